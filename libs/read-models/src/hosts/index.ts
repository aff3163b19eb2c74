export * from './host.table';
export * from './hosts.projection';
export * from './hosts.queries';
