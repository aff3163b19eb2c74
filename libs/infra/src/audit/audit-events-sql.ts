import type { Cursor, EventRow } from '../event-store/postgres/event-rows';
import { EVENT_COLUMNS } from '../event-store/postgres/event-rows';
import { prefixPattern, VISIBLE } from '../event-store/postgres/reads';
import type { AuditEventFilter } from './audit-event-filter';

/**
 * The export's columns: data and metadata as the database's JSON text and the recorded time already
 * in ISO 8601 (to the millisecond, as a JavaScript Date has it), so that writing a line parses
 * nothing and serialises nothing again.
 */
const EXPORT_COLUMNS = `
  e.stream_name, e.revision::text AS revision, e.event_id::text AS event_id, e.type, e.schema_version,
  e.data::text AS data, e.metadata::text AS metadata,
  to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at,
  e.transaction_id::text AS transaction_id, e.global_position::text AS global_position, e.previous_hash, e.hash`;

/** A row of the export's columns. */
export type ExportRow = Omit<EventRow, 'data' | 'metadata' | 'recorded_at'> & {
  data: string;
  metadata: string;
  recorded_at: string;
};

export interface SqlQuery {
  text: string;
  values: unknown[];
}

/**
 * The filtered log after a cursor, in the log's order and under the same visibility rule as the
 * store's own reads, so a page boundary can never hide an event that commits later. Only the
 * conditions asked for are written, so the planner sees each query as it is and can use an index.
 */
export function auditEventsQuery(
  filter: AuditEventFilter,
  after: Cursor,
  limit?: number,
  shape: 'events' | 'export' = 'events',
): SqlQuery {
  const values: unknown[] = [after.transactionId.toString(), after.globalPosition.toString()];
  const where = ['(e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)', `e.${VISIBLE}`];
  const condition = (sql: (parameter: string) => string, value: unknown) => {
    values.push(value);
    where.push(sql(`$${values.length}`));
  };
  if (filter.stream !== undefined) condition((p) => `e.stream_name = ${p}`, filter.stream);
  if (filter.category !== undefined)
    condition((p) => `e.stream_name LIKE ${p}`, prefixPattern(filter.category));
  if (filter.type !== undefined) condition((p) => `e.type = ${p}`, filter.type);
  if (filter.actor !== undefined) condition((p) => `(e.metadata ->> 'actor') = ${p}`, filter.actor);
  if (filter.from !== undefined) condition((p) => `e.recorded_at >= ${p}::timestamptz`, filter.from);
  if (filter.to !== undefined) condition((p) => `e.recorded_at < ${p}::timestamptz`, filter.to);
  const columns = shape === 'export' ? EXPORT_COLUMNS : EVENT_COLUMNS;
  let text = `SELECT ${columns} FROM events e WHERE ${where.join(' AND ')}
               ORDER BY e.transaction_id, e.global_position`;
  if (limit !== undefined) {
    values.push(limit);
    text += ` LIMIT $${values.length}`;
  }
  return { text, values };
}
