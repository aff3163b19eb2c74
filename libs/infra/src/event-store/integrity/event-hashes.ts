import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** What an event's content hash covers: everything the caller appended, nothing the store assigns. */
export interface HashedContent {
  id: string;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/**
 * SHA-256 (hex) of the event's canonical JSON. Computed by the writer before the append, and again
 * by every verifier from what was stored: sealed personal data is hashed as its ciphertext, so
 * destroying a subject's key never changes a hash. The id is lower-cased as PostgreSQL stores a uuid.
 */
export function contentHash(event: HashedContent): string {
  const { id, type, schemaVersion, data, metadata } = event;
  return sha256Hex(canonicalJson({ id: id.toLowerCase(), type, schemaVersion, data, metadata }));
}

/**
 * The link of an event in its stream's chain: SHA-256 (hex) of
 * `previousHash \n contentHash \n revision \n streamName` (UTF-8; no previous hash at revision 0 is
 * the empty string). Hashes are fixed-width hex and the revision is digits, so the stream name, last,
 * may hold any character without making two inputs look alike. append_events computes the same
 * expression in SQL (migration 1732500000400); changing either breaks every stored chain.
 */
export function chainHash(
  previousHash: string | null,
  content: string,
  streamName: string,
  revision: bigint | string,
): string {
  return sha256Hex(`${previousHash ?? ''}\n${content}\n${revision.toString()}\n${streamName}`);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export const HASH_PATTERN = /^[0-9a-f]{64}$/;
