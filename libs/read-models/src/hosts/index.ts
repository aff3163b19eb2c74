export * from './host.table';
export * from './hosts.projection';
