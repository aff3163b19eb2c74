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

/** An event whose data is known to serialise, with the bytes the server will count for it. */
export interface PreparedEvent {
  event: NewEvent;
  dataBytes: number;
}

/**
 * Serialises every event's data before anything is read or sent. The client would serialise inside its
 * own promise, where a BigInt or a cycle throws out of a stream callback: the append never settles and
 * the process crashes later. Here it fails at once, with the event named; the data is then known to
 * serialise when the client does it again.
 */
export function prepareEvents(streamName: string, events: readonly NewEvent[]): PreparedEvent[] {
  return events.map((event) =>
    serializing(streamName, event, () => {
      // The metadata is sent as serialised later, with its chain link; it too must fail here, not there.
      JSON.stringify(event.metadata);
      return { event, dataBytes: Buffer.byteLength(JSON.stringify(event.data), 'utf8') };
    }),
  );
}

/**
 * The events as the client sends them, each with its chain link in its metadata (see
 * integrity/application-chain.ts). The metadata travels as the bytes made here (the client sends
 * bytes as they are).
 */
export function serializeEvents(
  streamName: string,
  prepared: readonly PreparedEvent[],
  links: readonly EventIntegrity[],
): SerializedEvent[] {
  return prepared.map(({ event, dataBytes }, index) =>
    serializing(streamName, event, () => {
      const eventData = toEventData(event, links[index]);
      // A plain Uint8Array: the client checks the constructor, and would serialise a Buffer as JSON.
      const metadata = new TextEncoder().encode(JSON.stringify(eventData.metadata));
      return {
        id: event.id,
        eventData: { ...eventData, metadata } as EventData,
        bytes: dataBytes + metadata.length + 2 * Buffer.byteLength(event.type, 'utf8'),
      };
    }),
  );
}

function serializing<T>(streamName: string, event: NewEvent, serialize: () => T): T {
  try {
    return serialize();
  } catch (error) {
    throw new EventSerializationError(streamName, event.id, { cause: error });
  }
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
