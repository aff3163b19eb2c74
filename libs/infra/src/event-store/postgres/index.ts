export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres-event-store';
export { appendBatchQuery, type AppendRequest } from './append-batch';
