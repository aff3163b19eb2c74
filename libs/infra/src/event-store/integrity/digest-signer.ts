import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { EventStore, GlobalPosition } from '../event-store';
import { START } from '../event-store';
import { encodePosition } from '../position';
import { DigestExportError, exportedDigestLine, type DigestSink } from './digest-export';
import { DIGEST_EVENT_TYPE, DIGEST_STREAM, VISIBLE_HEAD_SQL } from './event-log-sql';
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
    this.recorded = options.recorded ?? new RecordedDigests(pool);
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
    const previous = await this.recorded.latest(lock);
    const previousDigest = previous ? digestHash(previous.payload) : null;
    const sequence = previous ? Number(previous.revision) + 1 : 0;
    // Heads a crashed signer recorded for a digest that never made it into the log.
    await lock.query('DELETE FROM audit_digest_heads WHERE sequence >= $1', [sequence]);

    const head = (await lock.query<{ transaction_id: string; global_position: string }>(VISIBLE_HEAD_SQL))
      .rows[0];
    const logPosition: GlobalPosition = head
      ? encodePosition(BigInt(head.transaction_id), BigInt(head.global_position))
      : START;
    const digestId = randomUUID();
    // Each stream's newest event up to the position (rows up to a visible position are final), kept
    // only where it differs from the head the digests so far signed.
    await lock.query(
      `INSERT INTO audit_digest_heads (digest_id, sequence, stream_name, revision, hash)
       SELECT $1, $2, current.stream_name, current.revision, current.hash
         FROM (SELECT DISTINCT ON (stream_name) stream_name, revision, coalesce(hash, '') AS hash
                 FROM events
                WHERE (transaction_id, global_position) <= ($3::xid8, $4::bigint)
                ORDER BY stream_name, revision DESC) AS current
         LEFT JOIN (SELECT DISTINCT ON (stream_name) stream_name, revision, hash
                      FROM audit_digest_heads
                     ORDER BY stream_name, sequence DESC) AS signed
           ON signed.stream_name = current.stream_name COLLATE "C"
        WHERE signed.stream_name IS NULL OR signed.revision <> current.revision OR signed.hash <> current.hash`,
      [digestId, sequence, head?.transaction_id ?? '0', head?.global_position ?? '0'],
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
