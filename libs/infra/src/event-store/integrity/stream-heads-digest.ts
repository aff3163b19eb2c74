import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** Digests before the chain: each signed the whole list of heads and stood alone. */
export const LEGACY_DIGEST_FORMAT = 'ops-center/stream-heads-digest/v1';
export const DIGEST_FORMAT = 'ops-center/stream-heads-digest/v2';

interface PayloadBase {
  digest_id: string;
  /** The log position the heads were read at (every event up to it, none after). */
  log_position: string;
  created_at: string;
  /** Every stream signed so far, each at its newest head. */
  stream_count: number;
  /** The root over those heads (HeadsRoot). */
  heads_root: string;
  key_id: string;
}

export interface LegacyDigestPayload extends PayloadBase {
  format: typeof LEGACY_DIGEST_FORMAT;
}

/**
 * What is signed: where the log stood and the root over every head, plus the chain of digests. The
 * heads that changed since the previous digest are recorded (and rooted) on their own, so every
 * digest's heads stay checkable without storing the whole list again each time.
 */
export interface ChainedDigestPayload extends PayloadBase {
  format: typeof DIGEST_FORMAT;
  /** The revision of this digest's event in the digest stream: 0, 1, 2… with no gap. */
  sequence: number;
  /** `digestHash` of the digest before it; null for the first. */
  previous_digest: string | null;
  changed_count: number;
  /** The root over the heads that differ from the previous digest's (new streams, new revisions). */
  changed_root: string;
}

export type DigestPayload = LegacyDigestPayload | ChainedDigestPayload;

export interface SignedDigest<P extends DigestPayload = DigestPayload> {
  payload: P;
  /** Ed25519 over the payload's canonical JSON, base64. */
  signature: string;
}

export interface StreamHeadEntry {
  stream: string;
  revision: string;
  hash: string;
}

/** What an auditor keeps elsewhere: the signed digest, the key's public half, and every head. */
export type DigestDocument = DigestPayload & {
  signature: string;
  public_key: string;
  heads: StreamHeadEntry[];
};

export function signDigest<P extends DigestPayload>(payload: P, privateKey: KeyObject): SignedDigest<P> {
  return {
    payload,
    signature: sign(null, Buffer.from(canonicalJson(payload)), privateKey).toString('base64'),
  };
}

export function isSignatureValid(digest: SignedDigest, publicKey: KeyObject): boolean {
  try {
    return verify(
      null,
      Buffer.from(canonicalJson(digest.payload)),
      publicKey,
      Buffer.from(digest.signature, 'base64'),
    );
  } catch {
    return false;
  }
}

/** SHA-256 (hex) of a digest's signed payload: what the next digest names as its predecessor. */
export function digestHash(payload: DigestPayload): string {
  return createHash('sha256').update(canonicalJson(payload), 'utf8').digest('hex');
}

/** Stream names compare as UTF-8 bytes: PostgreSQL's COLLATE "C" order, the order heads are hashed in. */
export function compareStreamNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * The root over a list of stream heads: SHA-256 over one canonical JSON line `[stream, revision, hash]`
 * per head, in byte order of the stream names. Heads must be added in that order.
 */
export class HeadsRoot {
  private readonly hash = createHash('sha256');
  private last: string | null = null;
  count = 0;

  add(head: StreamHeadEntry): void {
    if (this.last !== null && compareStreamNames(this.last, head.stream) >= 0) {
      throw new Error(
        `Stream heads out of order: ${JSON.stringify(head.stream)} after ${JSON.stringify(this.last)}`,
      );
    }
    this.last = head.stream;
    this.count += 1;
    this.hash.update(`${canonicalJson([head.stream, head.revision, head.hash])}\n`, 'utf8');
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}
