import type { GlobalPosition } from '../event-store/event-store';
import { positionOf } from '../event-store/postgres/event-rows';
import type { ExportRow } from './audit-events-sql';

/**
 * An event as the export reads it: what a `RecordedEvent` holds, with data and metadata still the
 * database's JSON text and the times and numbers as text, ready to be written out as they are.
 */
export interface UnparsedEvent {
  streamName: string;
  revision: string;
  position: GlobalPosition;
  id: string;
  type: string;
  schemaVersion: number;
  /** JSON text. */
  data: string;
  /** JSON text. */
  metadata: string;
  /** ISO 8601, to the millisecond. */
  recordedAt: string;
  integrity: { previousHash: string | null; hash: string } | null;
}

export function toUnparsedEvent(row: ExportRow): UnparsedEvent {
  return {
    streamName: row.stream_name,
    revision: row.revision,
    position: positionOf(row.transaction_id, row.global_position),
    id: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
    integrity: row.hash === null ? null : { previousHash: row.previous_hash, hash: row.hash },
  };
}
