import type { EventIntegrity, NewEvent } from '../event-store';
import { HASH_PATTERN, chainHash, contentHash } from './event-hashes';

/**
 * Where a store without a chain of its own (EventStoreDB) keeps each event's link, in the event's
 * metadata; `$` marks it as the store's, not the caller's, so reads hand it back as `integrity`.
 */
export const INTEGRITY_METADATA_KEY = '$integrity';

/** The stream's last event before an append: its revision, and its link unless it predates chains. */
export interface ChainHead {
  revision: bigint;
  integrity?: EventIntegrity;
}

/**
 * The links of `events` appended right after `head` (null: a new stream), computed as append_events
 * computes them in PostgreSQL, so one verifier checks both stores. The append must then expect
 * exactly `head`'s revision: a link is only right at the revision it was computed for.
 */
export function chainLinks(
  streamName: string,
  events: readonly NewEvent[],
  head: ChainHead | null,
): EventIntegrity[] {
  let previousHash = head?.integrity?.hash ?? null;
  let revision = head?.revision ?? -1n;
  return events.map((event) => {
    revision += 1n;
    const hash = chainHash(previousHash, contentHash(event), streamName, revision);
    const link = { previousHash, hash };
    previousHash = hash;
    return link;
  });
}

/** A link read back from metadata; anything else (no link, a damaged one) is no link. */
export function integrityFrom(value: unknown): EventIntegrity | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { previousHash, hash } = value as Record<string, unknown>;
  if (typeof hash !== 'string' || !HASH_PATTERN.test(hash)) return undefined;
  if (previousHash !== null && (typeof previousHash !== 'string' || !HASH_PATTERN.test(previousHash))) {
    return undefined;
  }
  return { previousHash, hash };
}
