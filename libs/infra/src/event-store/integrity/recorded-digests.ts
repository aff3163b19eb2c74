import type { Pool } from 'pg';
import { DIGEST_STREAM } from './event-log-sql';
import { cursorRows } from './row-cursor';
import {
  DIGEST_FORMAT,
  LEGACY_DIGEST_FORMAT,
  type DigestPayload,
  type SignedDigest,
  type StreamHeadEntry,
} from './stream-heads-digest';

const BATCH = 10_000;

/** A digest as recorded in the log, with the revision of its event. */
export interface RecordedDigest extends SignedDigest {
  revision: string;
}

/** A digest event read back: its digest, or why it holds none. */
export type RecordedDigestEntry =
  { revision: string; digest: RecordedDigest } | { revision: string; malformed: string };

interface HeadRow {
  stream_name: string;
  revision: string;
  hash: string;
}

const HEAD_COLUMNS = 'stream_name, revision::text AS revision, hash';

/** Reads what DigestSigner recorded: the digest events and the heads each one signed. */
export class RecordedDigests {
  constructor(private readonly pool: Pool) {}

  /** The newest digest; `client` lets a signer read it on the connection that holds its lock. */
  async latest(client: Pick<Pool, 'query'> = this.pool): Promise<RecordedDigest | null> {
    const { rows } = await client.query<{ data: unknown; revision: string }>(
      `SELECT data, revision::text AS revision FROM events WHERE stream_name = $1 ORDER BY revision DESC LIMIT 1`,
      [DIGEST_STREAM],
    );
    const row = rows[0];
    if (!row) return null;
    return { ...parseDigestData(row.data), revision: row.revision };
  }

  /** Every digest event, oldest first; a damaged one is handed over as such, not thrown. */
  async *all(): AsyncGenerator<RecordedDigestEntry> {
    for await (const rows of cursorRows<{ data: unknown; revision: string }>(
      this.pool,
      {
        text: `SELECT data, revision::text AS revision FROM events WHERE stream_name = $1 ORDER BY revision`,
        values: [DIGEST_STREAM],
      },
      BATCH,
    )) {
      for (const row of rows) {
        try {
          yield { revision: row.revision, digest: { ...parseDigestData(row.data), revision: row.revision } };
        } catch (error) {
          if (!(error instanceof MalformedDigestError)) throw error;
          yield { revision: row.revision, malformed: error.message };
        }
      }
    }
  }

  /** The heads recorded for one digest (its changed heads; a legacy digest's whole list), in byte order. */
  heads(digestId: string, sequence: string): AsyncGenerator<StreamHeadEntry> {
    return this.rows(
      `SELECT ${HEAD_COLUMNS} FROM audit_digest_heads WHERE digest_id = $1 AND sequence = $2 ORDER BY stream_name`,
      [digestId, sequence],
    );
  }

  /** Every stream as the digests up to `sequence` signed it: each at the head its newest digest recorded. */
  signedHeads(sequence: string): AsyncGenerator<StreamHeadEntry> {
    return this.rows(
      `SELECT ${HEAD_COLUMNS}
         FROM (SELECT DISTINCT ON (stream_name) stream_name, revision, hash
                 FROM audit_digest_heads WHERE sequence <= $1
                ORDER BY stream_name, sequence DESC) AS folded
        ORDER BY stream_name`,
      [sequence],
    );
  }

  private async *rows(text: string, values: unknown[]): AsyncGenerator<StreamHeadEntry> {
    for await (const rows of cursorRows<HeadRow>(this.pool, { text, values }, BATCH)) {
      for (const row of rows) yield { stream: row.stream_name, revision: row.revision, hash: row.hash };
    }
  }
}

/** A digest event's data, checked for shape: the log may have been tampered with. */
export function parseDigestData(data: unknown): SignedDigest {
  const { digest, signature } = (data ?? {}) as { digest?: unknown; signature?: unknown };
  if (typeof signature !== 'string' || !isDigestPayload(digest)) {
    throw new MalformedDigestError('The digest event does not hold a signed digest');
  }
  return { payload: digest, signature };
}

export function isDigestPayload(value: unknown): value is DigestPayload {
  const digest = (value ?? {}) as Record<string, unknown>;
  const common =
    typeof digest.digest_id === 'string' &&
    typeof digest.log_position === 'string' &&
    typeof digest.created_at === 'string' &&
    typeof digest.stream_count === 'number' &&
    typeof digest.heads_root === 'string' &&
    typeof digest.key_id === 'string';
  if (!common) return false;
  if (digest.format === LEGACY_DIGEST_FORMAT) return true;
  return (
    digest.format === DIGEST_FORMAT &&
    Number.isSafeInteger(digest.sequence) &&
    (digest.previous_digest === null || typeof digest.previous_digest === 'string') &&
    typeof digest.changed_count === 'number' &&
    typeof digest.changed_root === 'string'
  );
}

export class MalformedDigestError extends Error {
  override name = 'MalformedDigestError';
}
