import { v5 as uuidv5 } from 'uuid';
import type { EventStore, StreamAppend } from '../event-store/event-store';
import type { CommandContext } from './command-context';
import { envelopesFor } from './envelopes';
import { eventIdFor } from './event-ids';

/**
 * An Idempotency-Key names one request. Event ids derived from it include their stream (ids are
 * unique across the log), so a key sent again with another request would pass unnoticed; its first
 * use is therefore recorded in a stream of its own, stored with the first command's events, and a
 * later use for anything else is refused (422). The commands of one request (an erasure revokes keys
 * and records the erasure) share their request's scope, so they share its key.
 */
export const IDEMPOTENCY_KEY_CATEGORY = 'idempotency-key-';
const KEY_USED = 'IdempotencyKeyUsed';
const KEY_NAMESPACE = '0c7d1f5e-3a8b-4f61-9d2e-6b4a8c1e2f37';

/** What a key was first used for: its request's scope, or one command on one stream. */
export interface KeyUse {
  scope: string;
}

export function keyUseOf(context: CommandContext, streamName: string, commandType: string): KeyUse {
  return { scope: context.idempotencyScope ?? JSON.stringify([streamName, commandType]) };
}

export class IdempotencyKeyReusedError extends Error {
  constructor(readonly streamName: string) {
    super(`The Idempotency-Key was first used for another request than this one (on ${streamName})`);
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** The stream of the caller's key: the actor and key hashed, so two callers' keys never meet. */
export function idempotencyKeyStream(actor: string, key: string): string {
  return `${IDEMPOTENCY_KEY_CATEGORY}${uuidv5(JSON.stringify([actor, key]), KEY_NAMESPACE)}`;
}

/** The append recording the key's first use, for this command on this stream; a retry makes the same one. */
export function keyUseAppend(
  use: KeyUse,
  context: CommandContext & { idempotencyKey: string },
  occurredAt: string,
): StreamAppend {
  const streamName = idempotencyKeyStream(context.actor, context.idempotencyKey);
  const id = eventIdFor(0, {
    streamName,
    commandType: KEY_USED,
    actor: context.actor,
    idempotencyKey: context.idempotencyKey,
  });
  return {
    streamName,
    expected: 'no_stream',
    events: envelopesFor(
      [{ type: KEY_USED, data: { ...use } }],
      [id],
      context,
      { [KEY_USED]: 1 },
      occurredAt,
    ),
  };
}

/** What the key was first used for, or null when it has not been. */
export async function firstKeyUse(store: EventStore, keyStream: string): Promise<KeyUse | null> {
  const [first] = await store.readStream(keyStream, { maxCount: 1 });
  if (!first) return null;
  return { scope: String(first.data.scope) };
}
