import type { Pool } from 'pg';
import type { ChainReadOptions, RecordedEvent, StreamRevision } from '../event-store';
import { cursorRows } from '../integrity/row-cursor';
import { cursorFrom, EVENT_COLUMNS, toRecordedEvent, type EventRow, type Queryable } from './event-rows';

import { prefixPattern } from './reads';

const CHAIN_BATCH = 5_000;

/**
 * Every stored event in scope, stream by stream (the stream_name index's order, no sort), through a
 * server-side cursor in one snapshot. Without `upTo` the table as it is, rows not yet visible to
 * readers included: verification must see whatever was written, wherever.
 */
export async function* readChainRows(pool: Pool, options: ChainReadOptions): AsyncGenerator<RecordedEvent[]> {
  const values: unknown[] = [];
  const where: string[] = [];
  const condition = (sql: (parameter: string) => string, value: unknown): void => {
    values.push(value);
    where.push(sql(`$${values.length}`));
  };
  if (options.upTo !== undefined) {
    const cursor = cursorFrom(options.upTo);
    values.push(cursor.transactionId.toString(), cursor.globalPosition.toString());
    where.push(`(e.transaction_id, e.global_position) <= ($1::xid8, $2::bigint)`);
  }
  if (options.stream !== undefined) condition((p) => `e.stream_name = ${p}`, options.stream);
  if (options.category !== undefined)
    condition((p) => `e.stream_name LIKE ${p}`, prefixPattern(options.category));
  if (options.recordedFrom !== undefined) condition((p) => `e.recorded_at >= ${p}`, options.recordedFrom);
  if (options.recordedBefore !== undefined) condition((p) => `e.recorded_at < ${p}`, options.recordedBefore);
  const text = `SELECT ${EVENT_COLUMNS} FROM events e ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY e.stream_name, e.revision`;
  for await (const rows of cursorRows<EventRow>(pool, { text, values }, CHAIN_BATCH)) {
    yield rows.map(toRecordedEvent);
  }
}

/** One statement for the whole list: a join on the (stream, revision) key. */
export async function readRevisionRows(
  db: Queryable,
  revisions: readonly StreamRevision[],
): Promise<(RecordedEvent | null)[]> {
  if (revisions.length === 0) return [];
  const { rows } = await db.query<EventRow & { wanted: number }>({
    text: `SELECT w.wanted, ${EVENT_COLUMNS}
             FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS w(stream_name, revision, wanted)
             JOIN events e ON e.stream_name = w.stream_name AND e.revision = w.revision`,
    values: [
      revisions.map((wanted) => wanted.streamName),
      revisions.map((wanted) => wanted.revision.toString()),
    ],
  });
  const found: (RecordedEvent | null)[] = revisions.map(() => null);
  for (const row of rows) found[Number(row.wanted) - 1] = toRecordedEvent(row);
  return found;
}
