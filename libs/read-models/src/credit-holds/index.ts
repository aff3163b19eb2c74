export * from './credit-holds.projection';
