import { NotLeaderError, UnavailableError } from '@eventstore/db-client';
import { EventStoreUnavailableError } from '../event-store-errors';

/** How often a call that met a follower or a node that is down is tried in all, and the pause before the next try. */
const ATTEMPTS = 4;
const FIRST_PAUSE_MS = 50;

function unavailability(error: unknown): 'not-leader' | 'unavailable' | null {
  if (error instanceof NotLeaderError) return 'not-leader';
  if (error instanceof UnavailableError) return 'unavailable';
  return null;
}

/**
 * Runs one call to the server, trying again while the node is a follower or unavailable: the client
 * reconnects (to the leader it was told of) on the next call. Safe for appends too: a retry carries the
 * same event ids and expectation, which the server answers from what the first try stored. Whatever
 * still fails this way reaches the caller as the port's `EventStoreUnavailableError`.
 */
export async function withReconnects<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const reason = unavailability(error);
      if (reason === null) throw error;
      if (attempt >= ATTEMPTS) throw new EventStoreUnavailableError(reason, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, FIRST_PAUSE_MS * 2 ** (attempt - 1)));
    }
  }
}

/** The port's error for a subscription the server ended, or the client's own error for anything else. */
export function toPortError(error: Error): Error {
  const reason = unavailability(error);
  return reason === null ? error : new EventStoreUnavailableError(reason, { cause: error });
}
