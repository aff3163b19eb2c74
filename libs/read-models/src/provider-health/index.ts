export * from './provider-health.table';
export * from './provider-health.projection';
