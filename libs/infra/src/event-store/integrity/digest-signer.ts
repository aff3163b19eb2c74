import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { EventStore, GlobalPosition } from '../event-store';
import { START } from '../event-store';
import { DigestExportError, exportedDigestLine, type DigestSink } from './digest-export';
import { DIGEST_EVENT_TYPE, DIGEST_STREAM } from './digest-stream';
import { RecordedDigests } from './recorded-digests';
import type { AuditSigningKey, TrustedKey } from './signing-key';
import {
  DIGEST_FORMAT,
  digestHash,
  HeadsRoot,
  signDigest,
  type ChainedDigestPayload,
  type DigestDocument,
  type SignedDigest,
  type StreamHeadEntry,
} from './stream-heads-digest';

const SIGNING_LOCK = 'ops-center:audit-digest';
/** Events read, and heads written, per round trip. */
const HEAD_PAGE = 5_000;

/** Who asked for a digest: the event's actor and source. */
export interface DigestRequest {
  actor: string;
  source: string;
  correlationId?: string;
}

export interface DigestSignerOptions {
  recorded?: RecordedDigests;
  /** The key verifiers trust: when pinned, a signing key that is not its private half never signs. */
  trusted?: TrustedKey;
  /** Where each digest is copied as soon as it is recorded. */
  sinks?: readonly DigestSink[];
}

type Queryable = { query: Pool['query'] };

/**
 * Signs digests of every stream head and records them: the digest itself as a
 * `StreamHeadsDigestSigned` event in `audit-digests` (chained like any other), and the heads that
 * changed since the previous digest in `audit_digest_heads`, so every digest's heads stay checkable.
 * Each digest names the previous one's hash and its own sequence (its event's revision), so a
 * removed or replaced digest breaks the chain. One signer at a time across processes (an advisory
 * lock), so sequences and exported copies keep their order.
 */
export class DigestSigner {
  private readonly recorded: RecordedDigests;

  constructor(
    private readonly pool: Pool,
    private readonly store: EventStore,
    private readonly key: AuditSigningKey,
    private readonly options: DigestSignerOptions = {},
  ) {
    this.recorded = options.recorded ?? new RecordedDigests(pool, store);
  }

  /**
   * Records a digest and exports it; rejects with a DigestExportError when the digest was recorded
   * but a copy failed (the next digest still chains to it, and verification shows the gap).
   */
  async sign(request: DigestRequest): Promise<SignedDigest<ChainedDigestPayload>> {
    const trusted = this.options.trusted;
    if (trusted?.pinned && trusted.keyId !== this.key.keyId) {
      throw new SigningKeyNotTrustedError(
        `The audit signing key (${this.key.keyId}) is not the one AUDIT_PUBLIC_KEY pins (${trusted.keyId}): refusing to sign`,
      );
    }
    const lock = await this.pool.connect();
    try {
      await lock.query('SELECT pg_advisory_lock(hashtext($1))', [SIGNING_LOCK]);
      const signed = await this.signLocked(lock, request);
      await this.export(signed);
      return signed;
    } finally {
      await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [SIGNING_LOCK]).catch(() => undefined);
      lock.release();
    }
  }

  async document(digest: SignedDigest<ChainedDigestPayload>): Promise<DigestDocument> {
    const heads: StreamHeadEntry[] = [];
    for await (const head of this.recorded.signedHeads(String(digest.payload.sequence))) heads.push(head);
    return { ...digest.payload, signature: digest.signature, public_key: this.key.publicKeyPem, heads };
  }

  private async signLocked(
    lock: Queryable,
    request: DigestRequest,
  ): Promise<SignedDigest<ChainedDigestPayload>> {
    // A damaged predecessor cannot be named by its hash (latest throws); signing on would hide it in
    // a fresh chain.
    const previous = await this.recorded.latest();
    const previousDigest = previous ? digestHash(previous.payload) : null;
    const sequence = previous ? Number(previous.revision) + 1 : 0;
    // Heads a crashed signer recorded for a digest that never made it into the log.
    await lock.query('DELETE FROM audit_digest_heads WHERE sequence >= $1', [sequence]);

    const logPosition = await this.store.headPosition();
    const digestId = randomUUID();
    await this.recordChangedHeads(
      lock,
      digestId,
      sequence,
      previous?.payload.log_position ?? START,
      logPosition,
    );
    try {
      const changed = new HeadsRoot();
      for await (const entry of this.recorded.heads(digestId, String(sequence))) changed.add(entry);
      const all = new HeadsRoot();
      for await (const entry of this.recorded.signedHeads(String(sequence))) all.add(entry);
      const payload: ChainedDigestPayload = {
        format: DIGEST_FORMAT,
        digest_id: digestId,
        sequence,
        previous_digest: previousDigest,
        log_position: logPosition,
        created_at: new Date().toISOString(),
        stream_count: all.count,
        heads_root: all.digest(),
        changed_count: changed.count,
        changed_root: changed.digest(),
        key_id: this.key.keyId,
      };
      const signed = signDigest(payload, this.key.privateKey);
      await this.store.append(
        DIGEST_STREAM,
        [
          {
            id: randomUUID(),
            type: DIGEST_EVENT_TYPE,
            schemaVersion: 1,
            data: { digest: payload, signature: signed.signature },
            metadata: {
              actor: request.actor,
              correlationId: request.correlationId ?? randomUUID(),
              causationId: null,
              occurredAt: payload.created_at,
              source: request.source,
            },
          },
        ],
        previous ? BigInt(previous.revision) : 'no_stream',
      );
      return signed;
    } catch (error) {
      await lock
        .query('DELETE FROM audit_digest_heads WHERE digest_id = $1', [digestId])
        .catch(() => undefined);
      throw error;
    }
  }

  /**
   * Each stream's newest event up to `to`, kept where it differs from the head the digests so far
   * signed. Only streams appended to since the previous digest's position can differ: the log is read
   * from there, through the store, so a digest costs what was appended since the last one.
   */
  private async recordChangedHeads(
    lock: Queryable,
    digestId: string,
    sequence: number,
    from: GlobalPosition,
    to: GlobalPosition,
  ): Promise<void> {
    const heads = new Map<string, { revision: bigint; hash: string }>();
    for (let after = from; after < to;) {
      const page = await this.store.readAll({ from: after, maxCount: HEAD_PAGE });
      for (const event of page) {
        if (event.position > to) break;
        heads.set(event.streamName, { revision: event.revision, hash: event.integrity?.hash ?? '' });
      }
      const last = page.at(-1);
      if (!last || page.length < HEAD_PAGE) break;
      after = last.position;
    }
    const entries = [...heads];
    for (let start = 0; start < entries.length; start += HEAD_PAGE) {
      const chunk = entries.slice(start, start + HEAD_PAGE);
      await lock.query(
        `INSERT INTO audit_digest_heads (digest_id, sequence, stream_name, revision, hash)
         SELECT $1, $2, current.stream_name, current.revision, current.hash
           FROM unnest($3::text[], $4::bigint[], $5::text[]) AS current(stream_name, revision, hash)
           LEFT JOIN LATERAL (SELECT s.revision, s.hash FROM audit_digest_heads s
                               WHERE s.stream_name = current.stream_name AND s.sequence < $2
                               ORDER BY s.sequence DESC LIMIT 1) AS signed ON true
          WHERE signed.revision IS NULL OR signed.revision <> current.revision OR signed.hash <> current.hash`,
        [
          digestId,
          sequence,
          chunk.map(([stream]) => stream),
          chunk.map(([, head]) => head.revision.toString()),
          chunk.map(([, head]) => head.hash),
        ],
      );
    }
  }

  private async export(signed: SignedDigest<ChainedDigestPayload>): Promise<void> {
    const sinks = this.options.sinks ?? [];
    if (sinks.length === 0) return;
    const line = exportedDigestLine(signed);
    const failures: string[] = [];
    for (const sink of sinks) {
      await sink.write(line).catch((error: unknown) => {
        failures.push(`${sink.name}: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
    if (failures.length > 0) {
      throw new DigestExportError(
        `Digest ${signed.payload.digest_id} (sequence ${signed.payload.sequence}) was recorded but not exported to ${failures.join('; ')}`,
      );
    }
  }
}

/** The signing key is not the private half of the pinned public key: nothing it signs would verify. */
export class SigningKeyNotTrustedError extends Error {
  override name = 'SigningKeyNotTrustedError';
}
