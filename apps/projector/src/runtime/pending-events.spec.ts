import type { EventStore, ReadAllOptions, RecordedEvent } from '@ops/infra/event-store/event-store';
import { PendingEvents } from './pending-events';

const position = (n: number): string => `00000000000000000000:${String(n).padStart(20, '0')}`;

function recorded(n: number, streamName: string): RecordedEvent {
  return {
    id: `id-${n}`,
    type: 'Happened',
    schemaVersion: 1,
    data: {},
    metadata: { actor: 't', correlationId: 'c', causationId: null, occurredAt: '', source: 't' },
    streamName,
    revision: 0n,
    position: position(n),
    recordedAt: new Date(0),
  };
}

/** A log of nine events, every third one in the category the projection reads; counts the reads. */
function countingStore(): { store: EventStore; reads: () => number } {
  const log = Array.from({ length: 9 }, (_, n) => recorded(n + 1, n % 3 === 0 ? 'ours-1' : 'other-1'));
  let reads = 0;
  const readAll = async (options: ReadAllOptions = {}): Promise<RecordedEvent[]> => {
    reads += 1;
    return log
      .filter((event) => event.position > (options.from ?? ''))
      .filter((event) => event.streamName.startsWith(options.filter?.streamPrefixes?.[0] ?? ''))
      .slice(0, options.maxCount);
  };
  return { store: { readAll } as unknown as EventStore, reads: () => reads };
}

describe('pending events of a projection', () => {
  const filter = { streamPrefixes: ['ours-'] };

  it('polled while caught up, reads no events until the head moves', async () => {
    const { store, reads } = countingStore();
    const pending = new PendingEvents(store);
    const head = position(9);

    expect(await pending.next('p', filter, head, head)).toBeNull();
    expect(await pending.next('p', filter, position(7), head)).toBeNull();
    for (let poll = 0; poll < 20; poll += 1) await pending.next('p', filter, position(7), head);
    expect(reads()).toBe(1);

    expect(await pending.next('p', filter, position(7), position(10))).toBeNull();
    expect(reads()).toBe(2);
  });

  it('reads again only once the checkpoint has passed the event it found', async () => {
    const { store, reads } = countingStore();
    const pending = new PendingEvents(store);
    const head = position(9);

    expect((await pending.next('p', filter, position(0), head))?.position).toBe(position(1));
    expect((await pending.next('p', filter, position(0), head))?.position).toBe(position(1));
    expect(reads()).toBe(1);
    expect((await pending.next('p', filter, position(1), head))?.position).toBe(position(4));
    expect((await pending.next('p', filter, position(2), head))?.position).toBe(position(4));
    expect(reads()).toBe(2);
  });
});
