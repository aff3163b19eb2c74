import { randomUUID } from 'node:crypto';
import type { EventStoreDBClient } from '@eventstore/db-client';
import { jsonEvent, NO_STREAM, StreamNotFoundError, WrongExpectedVersionError } from '@eventstore/db-client';
import type { NewEvent } from '../event-store';
import { DuplicateEventIdError } from '../event-store';
import { withReconnects } from './client-errors';

/**
 * EventStoreDB keeps no index of event ids across streams, while the port promises ids unique in the
 * whole log (PostgreSQL's primary key). So each id is claimed first, in a stream of its own that only
 * its first append can create (`no_stream`): the claim names the stream the id belongs to. The type's
 * `$` keeps claims out of every read of our events, as the server's own events are kept out.
 * An append that fails after its claims leaves them behind: the ids stay its stream's, which is where
 * a retry of the same command (same ids) goes anyway.
 */
const CLAIM_STREAM_PREFIX = 'event-id-';
const CLAIM_TYPE = '$EventIdClaimed';

export async function claimEventIds(
  client: EventStoreDBClient,
  streamName: string,
  events: readonly NewEvent[],
): Promise<void> {
  const owners = await Promise.all(
    events.map((event) => withReconnects(() => claim(client, streamName, event.id.toLowerCase()))),
  );
  const foreign = events.filter((_, index) => owners[index] !== streamName).map((event) => event.id);
  if (foreign.length > 0) throw new DuplicateEventIdError(streamName, foreign);
}

/** The stream that owns `id`: ours once the claim is written, or the one an earlier claim names. */
async function claim(client: EventStoreDBClient, streamName: string, id: string): Promise<string | null> {
  const claimStream = `${CLAIM_STREAM_PREFIX}${id}`;
  try {
    await client.appendToStream(
      claimStream,
      jsonEvent({ id: randomUUID(), type: CLAIM_TYPE, data: { streamName } }),
      { expectedRevision: NO_STREAM },
    );
    return streamName;
  } catch (error) {
    if (!(error instanceof WrongExpectedVersionError)) throw error;
  }
  let owner: unknown = null;
  try {
    // Read to the end rather than leave the loop: a call left open keeps the client from disposing.
    for await (const { event } of client.readStream(claimStream, { maxCount: 1 })) {
      owner = (event?.data as { streamName?: unknown } | undefined)?.streamName;
    }
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  return typeof owner === 'string' ? owner : null;
}
