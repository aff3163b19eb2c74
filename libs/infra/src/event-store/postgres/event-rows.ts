import type { QueryConfig, QueryResult, QueryResultRow } from 'pg';
import type { EventMetadata, GlobalPosition, RecordedEvent } from '../event-store';
import { START } from '../event-store';
import { decodePosition, encodePosition } from '../position';

/** A pool or a single client: reads run on either. */
export interface Queryable {
  query<R extends QueryResultRow>(config: QueryConfig): Promise<QueryResult<R>>;
}

/**
 * Numbers and xid8 are selected as text so that no global pg type parser (which other code in the
 * process may change) can turn a 64-bit value into a lossy JavaScript number. The time comes as
 * epoch milliseconds: pg's parser of timestamptz text costs as much as hashing the event, and the
 * projector and verification read every row of the log.
 */
export const EVENT_COLUMNS = `
  e.stream_name, e.revision::text AS revision, e.event_id::text AS event_id, e.type, e.schema_version,
  e.data, e.metadata, (extract(epoch FROM e.recorded_at) * 1000)::float8 AS recorded_at,
  e.transaction_id::text AS transaction_id, e.global_position::text AS global_position,
  encode(e.previous_hash, 'hex') AS previous_hash, encode(e.hash, 'hex') AS hash`;

export interface EventRow {
  stream_name: string;
  revision: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  /** Epoch milliseconds, microseconds as the fraction: a Date keeps the whole milliseconds. */
  recorded_at: number;
  transaction_id: string;
  global_position: string;
  previous_hash: string | null;
  hash: string | null;
}

/** The log's order: `(transaction_id, global_position)`; START sorts before every real row. */
export interface Cursor {
  transactionId: bigint;
  globalPosition: bigint;
}

export const CURSOR_AT_START: Cursor = { transactionId: 0n, globalPosition: 0n };

export function cursorFrom(position: GlobalPosition | undefined): Cursor {
  if (position === undefined || position === START) return CURSOR_AT_START;
  const { major, minor } = decodePosition(position);
  return { transactionId: major, globalPosition: minor };
}

export function positionOf(transactionId: string, globalPosition: string): GlobalPosition {
  return encodePosition(BigInt(transactionId), BigInt(globalPosition));
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  const event: RecordedEvent = {
    id: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    streamName: row.stream_name,
    revision: BigInt(row.revision),
    position: positionOf(row.transaction_id, row.global_position),
    recordedAt: new Date(row.recorded_at),
  };
  if (row.hash !== null) event.integrity = { previousHash: row.previous_hash, hash: row.hash };
  return event;
}
