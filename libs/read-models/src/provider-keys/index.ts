export * from './provider-key.table';
export * from './provider-keys.projection';
export * from './provider-keys.queries';
