export * from './audit-log.projection';
export * from './audit-log.table';
export * from './audit-log.queries';
