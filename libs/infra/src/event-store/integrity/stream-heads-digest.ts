import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json';

export const DIGEST_FORMAT = 'ops-center/stream-heads-digest/v1';

/** What is signed: where the log stood, how many streams it had, and the root over their heads. */
export interface DigestPayload {
  format: typeof DIGEST_FORMAT;
  digest_id: string;
  /** The log position the heads were read at (every event up to it, none after). */
  log_position: string;
  created_at: string;
  stream_count: number;
  heads_root: string;
  key_id: string;
}

export interface SignedDigest {
  payload: DigestPayload;
  /** Ed25519 over the payload's canonical JSON, base64. */
  signature: string;
}

export interface StreamHeadEntry {
  stream: string;
  revision: string;
  hash: string;
}

/** What an auditor keeps elsewhere: the signed digest, the key's public half, and every head. */
export interface DigestDocument extends DigestPayload {
  signature: string;
  public_key: string;
  heads: StreamHeadEntry[];
}

export function signDigest(payload: DigestPayload, privateKey: KeyObject): SignedDigest {
  return {
    payload,
    signature: sign(null, Buffer.from(canonicalJson(payload)), privateKey).toString('base64'),
  };
}

export function isSignatureValid(digest: SignedDigest, publicKey: KeyObject): boolean {
  return verify(
    null,
    Buffer.from(canonicalJson(digest.payload)),
    publicKey,
    Buffer.from(digest.signature, 'base64'),
  );
}

/** Stream names compare as UTF-8 bytes: PostgreSQL's COLLATE "C" order, the order heads are hashed in. */
export function compareStreamNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * The root over every stream head: SHA-256 over one canonical JSON line `[stream, revision, hash]`
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
