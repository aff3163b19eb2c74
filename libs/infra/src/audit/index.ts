export type { AuditEventFilter } from './audit-event-filter';
export { AuditEventReader, type AuditEventPage, type ExportOptions } from './audit-event-reader';
export { AuditExport } from './audit-export';
export type { UnparsedEvent } from './unparsed-event';
export { streamBatches } from './stream-batches';
