import type { AllStreamResolvedEvent, EventStoreDBClient, Position } from '@eventstore/db-client';
import type { EventFilter, GlobalPosition, RecordedEvent } from '../event-store';
import { encodeEsdbPosition, toReadPosition, toRecordedEvent } from './event-mapping';
import { matchesFilter, serverFilter } from './filters';

/** How many events the client buffers ahead of us while reading. */
const READ_AHEAD = 1_000;

/**
 * A filtered read of `$all` with the server doing the filtering. The client's `readAll` cannot carry a
 * filter, but its subscription can: subscribe from `from`, keep what arrives up to `end` (the log's
 * last position when the read began), and stop once the server says it caught up or `end` is passed,
 * so the log's tail is scanned on the server, not shipped here to be thrown away.
 */
export function readAllFiltered(
  client: EventStoreDBClient,
  options: { from?: GlobalPosition; filter: EventFilter; maxCount: number; end: Position },
): Promise<RecordedEvent[]> {
  const end = encodeEsdbPosition(options.end);
  const after = options.from;
  return new Promise<RecordedEvent[]>((resolve, reject) => {
    const events: RecordedEvent[] = [];
    /** The server has looked at everything up to `end` (it caught up, or checkpointed past it). */
    let seenToEnd = false;
    let settled = false;
    const source = client.subscribeToAll(
      {
        fromPosition: toReadPosition(options.from),
        filter: serverFilter(options.filter, (_subscription, position) => {
          if (encodeEsdbPosition(position) >= end) reachedEnd();
        }),
      },
      { highWaterMark: READ_AHEAD },
    );
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      // Whatever is still buffered is dropped, so the cancelled call can end.
      source.removeListener('readable', drain);
      source.resume();
      source.unsubscribe().then(() => (error ? reject(error) : resolve(events)), reject);
    };
    const drain = (): void => {
      if (settled) return;
      for (;;) {
        const next = source.read() as AllStreamResolvedEvent | null;
        if (next === null) break;
        const { event } = next;
        if (!event) continue;
        const position = encodeEsdbPosition(event.position);
        if (position > end) return finish();
        if (after !== undefined && position <= after) continue;
        if (matchesFilter(event, options.filter)) events.push(toRecordedEvent(event));
        if (events.length >= options.maxCount || position === end) return finish();
      }
      if (seenToEnd) finish();
    };
    // Everything before the signal is already buffered: drain it, then stop.
    const reachedEnd = (): void => {
      seenToEnd = true;
      setImmediate(drain);
    };
    source.on('readable', drain);
    source.on('caughtUp', reachedEnd);
    source.on('error', finish);
    source.on('end', () => finish());
  });
}
