import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { EventStore, GlobalPosition } from '../event-store';
import { START } from '../event-store';
import { encodePosition } from '../position';
import { DIGEST_EVENT_TYPE, DIGEST_STREAM, VISIBLE_HEAD_SQL } from './event-log-sql';
import { RecordedDigests } from './recorded-digests';
import type { AuditSigningKey } from './signing-key';
import {
  DIGEST_FORMAT,
  HeadsRoot,
  signDigest,
  type DigestDocument,
  type DigestPayload,
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

/**
 * Signs digests of every stream head and records them: the digest itself as a
 * `StreamHeadsDigestSigned` event in `audit-digests` (chained like any other), the heads it covers
 * in `audit_digest_heads` for the latest digest only (older digests stay provable from their event,
 * whose root a head list can be checked against, and from the copies auditors keep). One signer at
 * a time across processes (an advisory lock), so the table never mixes two digests' heads.
 */
export class DigestSigner {
  constructor(
    private readonly pool: Pool,
    private readonly store: EventStore,
    private readonly key: AuditSigningKey,
    private readonly recorded: RecordedDigests = new RecordedDigests(pool),
  ) {}

  async sign(request: DigestRequest): Promise<SignedDigest> {
    const lock = await this.pool.connect();
    try {
      await lock.query('SELECT pg_advisory_lock(hashtext($1))', [SIGNING_LOCK]);
      return await this.signLocked(lock, request);
    } finally {
      await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [SIGNING_LOCK]).catch(() => undefined);
      lock.release();
    }
  }

  async document(digest: SignedDigest): Promise<DigestDocument> {
    const heads: StreamHeadEntry[] = [];
    for await (const head of this.recorded.heads(digest.payload.digest_id)) heads.push(head);
    return { ...digest.payload, signature: digest.signature, public_key: this.key.publicKeyPem, heads };
  }

  private async signLocked(lock: { query: Pool['query'] }, request: DigestRequest): Promise<SignedDigest> {
    const head = (await lock.query<{ transaction_id: string; global_position: string }>(VISIBLE_HEAD_SQL))
      .rows[0];
    const logPosition: GlobalPosition = head
      ? encodePosition(BigInt(head.transaction_id), BigInt(head.global_position))
      : START;
    const digestId = randomUUID();
    // Each stream's newest event up to the position: rows up to a visible position are final.
    await lock.query(
      `INSERT INTO audit_digest_heads (digest_id, stream_name, revision, hash)
       SELECT $1, stream_name, revision, coalesce(hash, '')
         FROM (SELECT DISTINCT ON (stream_name) stream_name, revision, hash
                 FROM events
                WHERE (transaction_id, global_position) <= ($2::xid8, $3::bigint)
                ORDER BY stream_name, revision DESC) AS heads`,
      [digestId, head?.transaction_id ?? '0', head?.global_position ?? '0'],
    );
    try {
      const root = new HeadsRoot();
      for await (const entry of this.recorded.heads(digestId)) root.add(entry);
      const payload: DigestPayload = {
        format: DIGEST_FORMAT,
        digest_id: digestId,
        log_position: logPosition,
        created_at: new Date().toISOString(),
        stream_count: root.count,
        heads_root: root.digest(),
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
        'any',
      );
      await lock.query('DELETE FROM audit_digest_heads WHERE digest_id <> $1', [digestId]);
      return signed;
    } catch (error) {
      await lock
        .query('DELETE FROM audit_digest_heads WHERE digest_id = $1', [digestId])
        .catch(() => undefined);
      throw error;
    }
  }
}
