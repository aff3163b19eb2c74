import type { EventFilter, GlobalPosition, RecordedEvent } from '../event-store';
import { START } from '../event-store';
import type { Cursor, EventRow, Queryable } from './event-rows';
import { EVENT_COLUMNS, positionOf, toRecordedEvent } from './event-rows';

/**
 * Rows below the snapshot's xmin belong to finished transactions only, so nothing can later appear
 * before them: every row still to become visible has a transaction id at or above that xmin.
 */
export const VISIBLE = 'transaction_id < pg_snapshot_xmin(pg_current_snapshot())';

const READ_STREAM_SQL = `
  SELECT ${EVENT_COLUMNS}
    FROM events e
   WHERE e.stream_name = $1 AND e.revision >= $2
   ORDER BY e.revision
   LIMIT $3`;

/**
 * One page of the log after a cursor, plus the newest visible row, both from the same statement
 * (one snapshot). The head lets a filtered reader move its cursor past rows that did not match,
 * instead of scanning them again on every poll. `held_back` says whether committed rows wait above
 * the horizon for an older transaction to end: nobody is notified when that happens, so only then
 * must a live reader look again on its own.
 */
const READ_PAGE_SQL = `
  WITH held AS (
    -- The newest committed row, by the primary key from its end: an EXISTS over the range looked
    -- like a third of the table to the planner, which then scanned all of it.
    SELECT coalesce((
      SELECT w.transaction_id FROM events w ORDER BY w.transaction_id DESC, w.global_position DESC LIMIT 1
    ) >= pg_snapshot_xmin(pg_current_snapshot()), false) AS held_back
  ), head AS (
    SELECT h.transaction_id, h.global_position
      FROM events h
     WHERE h.${VISIBLE}
     ORDER BY h.transaction_id DESC, h.global_position DESC
     LIMIT 1
  ), page AS (
    SELECT ${EVENT_COLUMNS}, e.transaction_id AS sort_transaction_id, e.global_position AS sort_global_position
      FROM events e
     WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
       AND e.${VISIBLE}
       AND ($3::text[] IS NULL OR e.stream_name LIKE ANY ($3::text[]))
       AND ($4::text[] IS NULL OR e.type = ANY ($4::text[]))
     ORDER BY e.transaction_id, e.global_position
     LIMIT $5
  )
  SELECT held.held_back,
         head.transaction_id::text AS head_transaction_id,
         head.global_position::text AS head_global_position,
         page.stream_name, page.revision, page.event_id, page.type, page.schema_version, page.data,
         page.metadata, page.recorded_at, page.transaction_id, page.global_position, page.previous_hash,
         page.hash
    FROM held LEFT JOIN head ON true LEFT JOIN page ON true
   ORDER BY page.sort_transaction_id, page.sort_global_position`;

/** Qualified names: bare ones in ORDER BY would mean the text output columns (`9999` > `12000`). */
const HEAD_SQL = `
  SELECT e.transaction_id::text AS transaction_id, e.global_position::text AS global_position
    FROM events e
   WHERE e.${VISIBLE}
   ORDER BY e.transaction_id DESC, e.global_position DESC
   LIMIT 1`;

type PageRow = {
  held_back: boolean;
  head_transaction_id: string | null;
  head_global_position: string | null;
} & (EventRow | { [K in keyof EventRow]: null });

export interface Page {
  events: RecordedEvent[];
  /** True when the page hit its limit, so more matching events may follow right away. */
  full: boolean;
  /** Where the next page starts: after the last event, or after the visible head when not full. */
  next: Cursor;
  /** Committed events wait for an older transaction to end before they can be read. */
  heldBack: boolean;
}

export async function readStreamEvents(
  db: Queryable,
  streamName: string,
  fromRevision: bigint,
  maxCount: number | undefined,
): Promise<RecordedEvent[]> {
  const result = await db.query<EventRow>({
    name: 'event-store:read-stream',
    text: READ_STREAM_SQL,
    values: [streamName, fromRevision.toString(), maxCount ?? null],
  });
  return result.rows.map(toRecordedEvent);
}

export async function readPage(
  db: Queryable,
  after: Cursor,
  filter: EventFilter | undefined,
  limit: number,
): Promise<Page> {
  const result = await db.query<PageRow>({
    name: 'event-store:read-page',
    text: READ_PAGE_SQL,
    values: [
      after.transactionId.toString(),
      after.globalPosition.toString(),
      nonEmpty(filter?.streamPrefixes)?.map(prefixPattern) ?? null,
      nonEmpty(filter?.eventTypes) ?? null,
      limit,
    ],
  });
  const events: RecordedEvent[] = [];
  for (const row of result.rows) {
    if (row.event_id !== null) events.push(toRecordedEvent(row));
  }
  const full = events.length >= limit;
  const last = result.rows.at(-1);
  let next = after;
  if (full && last !== undefined && last.event_id !== null) {
    next = { transactionId: BigInt(last.transaction_id), globalPosition: BigInt(last.global_position) };
  } else if (last !== undefined && last.head_transaction_id !== null && last.head_global_position !== null) {
    // Everything matching up to the visible head is in this page: skip the rest of the scanned range.
    next = latest(after, {
      transactionId: BigInt(last.head_transaction_id),
      globalPosition: BigInt(last.head_global_position),
    });
  }
  return { events, full, next, heldBack: result.rows[0]?.held_back ?? false };
}

export async function readHead(db: Queryable): Promise<GlobalPosition> {
  const result = await db.query<{ transaction_id: string; global_position: string }>({
    name: 'event-store:head',
    text: HEAD_SQL,
  });
  const row = result.rows[0];
  return row ? positionOf(row.transaction_id, row.global_position) : START;
}

/** A cursor given by the caller may lie beyond the visible head (say, an append not visible yet). */
function latest(a: Cursor, b: Cursor): Cursor {
  if (a.transactionId !== b.transactionId) return a.transactionId > b.transactionId ? a : b;
  return a.globalPosition >= b.globalPosition ? a : b;
}

function nonEmpty(values: readonly string[] | undefined): readonly string[] | undefined {
  return values !== undefined && values.length > 0 ? values : undefined;
}

/** A LIKE pattern that matches the prefix literally (`_` and `%` are wildcards in LIKE). */
export function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}
