export * from './usage-daily.table';
export * from './usage-log.table';
export * from './usage.projection';
export * from './usage.queries';
