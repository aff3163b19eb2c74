export type { AuditEventFilter } from './audit-event-filter';
export { AuditEventReader, type AuditEventPage, type ExportOptions } from './audit-event-reader';
export { AuditExport } from './audit-export';
export { streamBatches } from './stream-batches';
