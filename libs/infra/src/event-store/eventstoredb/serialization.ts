import type { EventData } from '@eventstore/db-client';
import type { EventIntegrity, NewEvent } from '../event-store';
import { EventSerializationError } from '../event-store-errors';
import { toEventData } from './event-mapping';

export interface SerializedEvent {
  id: string;
  eventData: EventData;
  /** What the server counts against its append limit for this event: data, metadata and type. */
  bytes: number;
}

/**
 * Serialises every event before anything is sent. The client would serialise inside its own promise,
 * where a BigInt or a cycle throws out of a stream callback: the append never settles and the process
 * crashes later. Here it fails at once, with the event named. Each event carries its chain link in its
 * metadata (see integrity/application-chain.ts). The metadata travels as the bytes made
 * here (the client sends bytes as they are); the data is known to serialise when the client does it again.
 */
export function serializeEvents(
  streamName: string,
  events: readonly NewEvent[],
  links: readonly EventIntegrity[],
): SerializedEvent[] {
  return events.map((event, index) => {
    const eventData = toEventData(event, links[index]);
    try {
      const data = JSON.stringify(eventData.data);
      // A plain Uint8Array: the client checks the constructor, and would serialise a Buffer as JSON.
      const metadata = new TextEncoder().encode(JSON.stringify(eventData.metadata));
      return {
        id: event.id,
        eventData: { ...eventData, metadata } as EventData,
        bytes: Buffer.byteLength(data, 'utf8') + metadata.length + 2 * Buffer.byteLength(event.type, 'utf8'),
      };
    } catch (error) {
      throw new EventSerializationError(streamName, event.id, { cause: error });
    }
  });
}

/**
 * Splits an append into runs that each stay under the server's append limit, keeping order. An event
 * over the limit on its own becomes a run of one, for the server to refuse.
 */
export function splitBySize(events: readonly SerializedEvent[], maxBytes: number): SerializedEvent[][] {
  const runs: SerializedEvent[][] = [];
  let run: SerializedEvent[] = [];
  let size = 0;
  for (const event of events) {
    if (run.length > 0 && size + event.bytes > maxBytes) {
      runs.push(run);
      run = [];
      size = 0;
    }
    run.push(event);
    size += event.bytes;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}
