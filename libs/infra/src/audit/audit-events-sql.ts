import type { Cursor } from '../event-store/postgres/event-rows';
import { EVENT_COLUMNS } from '../event-store/postgres/event-rows';
import { prefixPattern, VISIBLE } from '../event-store/postgres/reads';
import type { AuditEventFilter } from './audit-event-filter';

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
  columns: string = EVENT_COLUMNS,
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
  let text = `SELECT ${columns} FROM events e WHERE ${where.join(' AND ')}
               ORDER BY e.transaction_id, e.global_position`;
  if (limit !== undefined) {
    values.push(limit);
    text += ` LIMIT $${values.length}`;
  }
  return { text, values };
}
