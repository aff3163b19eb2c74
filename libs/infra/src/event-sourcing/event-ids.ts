import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';

/** Fixed namespace for ids derived from idempotency keys (any constant UUID works; this one is ours). */
const IDEMPOTENCY_NAMESPACE = '5f0c8a3e-5e7b-4c1e-9a51-0d6f2f0b7c11';

/** What a derived event id depends on. */
export interface EventIdSource {
  streamName: string;
  commandType: string;
  actor: string;
  idempotencyKey?: string;
}

/**
 * Id of the `index`-th event a command produces. With an idempotency key it is derived from it, from
 * the stream (ids are unique across the whole log, so one key sent to two streams must give two sets
 * of ids), the actor and the command type (two callers' keys never collide): a retry yields the same
 * ids. The parts are hashed as a JSON array, so no choice of characters in one part mimics another.
 * Without a key it is a `timeOrderedId`.
 */
export function eventIdFor(index: number, source: EventIdSource): string {
  const { streamName, commandType, actor, idempotencyKey } = source;
  return idempotencyKey
    ? uuidv5(JSON.stringify([streamName, actor, commandType, idempotencyKey, index]), IDEMPOTENCY_NAMESPACE)
    : timeOrderedId();
}

/**
 * A fresh UUIDv7, for the ids of things stored as they happen (events, gateway requests, credit
 * holds): time-ordered, they land at the right edge of the indexes keyed by them instead of anywhere
 * in them, which keeps those pages full.
 */
export function timeOrderedId(): string {
  return uuidv7();
}
