import type { Pool } from 'pg';
import { DIGEST_STREAM } from './event-log-sql';
import { cursorRows } from './row-cursor';
import {
  DIGEST_FORMAT,
  type DigestPayload,
  type SignedDigest,
  type StreamHeadEntry,
} from './stream-heads-digest';

const HEADS_BATCH = 10_000;

/** The latest digest recorded in the log, with the revision of its event. */
export interface RecordedDigest extends SignedDigest {
  revision: string;
}

interface HeadRow {
  stream_name: string;
  revision: string;
  hash: string;
}

/** Reads what DigestSigner recorded: the latest digest event and the heads it covers. */
export class RecordedDigests {
  constructor(private readonly pool: Pool) {}

  async latest(): Promise<RecordedDigest | null> {
    const { rows } = await this.pool.query<{ data: unknown; revision: string }>(
      `SELECT data, revision::text AS revision FROM events WHERE stream_name = $1 ORDER BY revision DESC LIMIT 1`,
      [DIGEST_STREAM],
    );
    const row = rows[0];
    if (!row) return null;
    return { ...parseDigestData(row.data), revision: row.revision };
  }

  /** The heads a recorded digest covers, in byte order of the stream names. */
  async *heads(digestId: string): AsyncGenerator<StreamHeadEntry> {
    for await (const rows of cursorRows<HeadRow>(
      this.pool,
      {
        text: `SELECT stream_name, revision::text AS revision, hash FROM audit_digest_heads
                WHERE digest_id = $1 ORDER BY stream_name`,
        values: [digestId],
      },
      HEADS_BATCH,
    )) {
      for (const row of rows) yield { stream: row.stream_name, revision: row.revision, hash: row.hash };
    }
  }
}

/** A digest event's data, checked for shape: the log may have been tampered with. */
export function parseDigestData(data: unknown): SignedDigest {
  const { digest, signature } = (data ?? {}) as { digest?: Partial<DigestPayload>; signature?: unknown };
  if (
    typeof signature !== 'string' ||
    digest?.format !== DIGEST_FORMAT ||
    typeof digest.digest_id !== 'string' ||
    typeof digest.log_position !== 'string' ||
    typeof digest.created_at !== 'string' ||
    typeof digest.stream_count !== 'number' ||
    typeof digest.heads_root !== 'string' ||
    typeof digest.key_id !== 'string'
  ) {
    throw new MalformedDigestError('The digest event does not hold a signed digest');
  }
  return { payload: digest as DigestPayload, signature };
}

export class MalformedDigestError extends Error {
  override name = 'MalformedDigestError';
}
