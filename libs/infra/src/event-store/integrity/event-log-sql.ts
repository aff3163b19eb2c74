import type { HashedContent } from './event-hashes';
import type { ChainLink } from './chain-verifier';

/** The stream that holds every signed digest, one event each. */
export const DIGEST_STREAM = 'audit-digests';
export const DIGEST_EVENT_TYPE = 'StreamHeadsDigestSigned';

/**
 * Rows below the snapshot's xmin belong to finished transactions only (the adapter's read rule): a
 * position taken from them is final, nothing can later appear before it. ORDER BY names the table's
 * columns (`e.`): bare names would mean the text output columns and sort `9999` after `12000`.
 */
export const VISIBLE_HEAD_SQL = `
  SELECT e.transaction_id::text AS transaction_id, e.global_position::text AS global_position
    FROM events e
   WHERE e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
   ORDER BY e.transaction_id DESC, e.global_position DESC
   LIMIT 1`;

/** What a verifier needs of a stored event; numbers as text so no 64-bit value is rounded. */
export const CHAIN_COLUMNS = `
  e.stream_name, e.revision::text AS revision, e.event_id::text AS event_id, e.type, e.schema_version,
  e.data, e.metadata, e.previous_hash, e.hash`;

export interface ChainRow {
  stream_name: string;
  revision: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  previous_hash: string | null;
  hash: string | null;
}

export function contentOf(row: ChainRow): HashedContent {
  return {
    id: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
  };
}

export function linkOf(row: ChainRow): ChainLink {
  return {
    streamName: row.stream_name,
    revision: BigInt(row.revision),
    content: contentOf(row),
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}
