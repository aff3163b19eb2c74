import type { Pool } from 'pg';
import type { EventStore, RecordedEvent } from '../event-store';
import { DIGEST_STREAM } from './digest-stream';
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

/**
 * Reads what DigestSigner recorded: the digest events, through the event store (either adapter), and
 * the heads each one signed, from `audit_digest_heads` in PostgreSQL.
 */
export class RecordedDigests {
  constructor(
    private readonly pool: Pool,
    private readonly store: Pick<EventStore, 'readStream'>,
  ) {}

  /**
   * The newest digest. Every digest records at least its own stream's new head, so the newest
   * sequence with heads is where the digest stream's end is looked for; should those rows be gone,
   * the read merely starts earlier.
   */
  async latest(): Promise<RecordedDigest | null> {
    const { rows } = await this.pool.query<{ sequence: string | null }>(
      'SELECT max(sequence)::text AS sequence FROM audit_digest_heads',
    );
    let fromRevision = BigInt(rows[0].sequence ?? '0');
    let last: RecordedEvent | undefined;
    for (;;) {
      const page = await this.store.readStream(DIGEST_STREAM, { fromRevision, maxCount: BATCH });
      if (page.length === 0 && fromRevision > 0n && last === undefined) {
        fromRevision = 0n;
        continue;
      }
      last = page.at(-1) ?? last;
      if (page.length < BATCH || !last) break;
      fromRevision = last.revision + 1n;
    }
    if (!last) return null;
    return { ...parseDigestData(last.data), revision: last.revision.toString() };
  }

  /** Every digest event, oldest first; a damaged one is handed over as such, not thrown. */
  async *all(): AsyncGenerator<RecordedDigestEntry> {
    for (let fromRevision = 0n; ;) {
      const page = await this.store.readStream(DIGEST_STREAM, { fromRevision, maxCount: BATCH });
      for (const event of page) {
        const revision = event.revision.toString();
        try {
          yield { revision, digest: { ...parseDigestData(event.data), revision } };
        } catch (error) {
          if (!(error instanceof MalformedDigestError)) throw error;
          yield { revision, malformed: error.message };
        }
      }
      const last = page.at(-1);
      if (!last || page.length < BATCH) return;
      fromRevision = last.revision + 1n;
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
