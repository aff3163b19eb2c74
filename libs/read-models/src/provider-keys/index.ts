export * from './provider-key.table';
export * from './provider-keys.projection';
