export * from './credit-holds.projection';
export * from './credit-holds.queries';
