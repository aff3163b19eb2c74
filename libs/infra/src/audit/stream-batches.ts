import type { EventStore, RecordedEvent } from '../event-store/event-store';

/**
 * A stream's events from a revision on, in revision order, one page at a time through the store's
 * port (so with either adapter); at most `limit` events when given.
 */
export async function* streamBatches(
  store: EventStore,
  streamName: string,
  fromRevision: bigint,
  { limit, pageSize = 1_000 }: { limit?: number; pageSize?: number } = {},
): AsyncGenerator<RecordedEvent[]> {
  let next = fromRevision;
  let remaining = limit ?? Number.POSITIVE_INFINITY;
  while (remaining > 0) {
    const page = await store.readStream(streamName, {
      fromRevision: next,
      maxCount: Math.min(pageSize, remaining),
    });
    if (page.length > 0) yield page;
    if (page.length < Math.min(pageSize, remaining)) return;
    remaining -= page.length;
    next = page[page.length - 1].revision + 1n;
  }
}
