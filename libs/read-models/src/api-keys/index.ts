export * from './api-key.table';
export * from './api-keys.projection';
export * from './api-keys.queries';
