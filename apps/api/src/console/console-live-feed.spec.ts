import type { EventStore, RecordedEvent, SubscribeOptions } from '@ops/infra/event-store/event-store';
import { ConsoleLiveFeed } from './console-live-feed';

type Handler = (events: RecordedEvent[]) => Promise<void>;

/** An event store whose head answers when the test says, recording where subscriptions start. */
function storeWithSlowHead() {
  let answerHead!: (position: string) => void;
  const starts: SubscribeOptions[] = [];
  let deliver: Handler = async () => undefined;
  const store = {
    headPosition: () => new Promise<string>((resolve) => (answerHead = resolve)),
    subscribeAll: (options: SubscribeOptions, handler: Handler) => {
      starts.push(options);
      deliver = handler;
      return { stop: async () => undefined, done: new Promise<void>(() => undefined) };
    },
  } as unknown as EventStore;
  return {
    store,
    starts,
    answerHead: (position: string) => answerHead(position),
    deliver: (events: Partial<RecordedEvent>[]) => deliver(events as RecordedEvent[]),
  };
}

const granted = (position: string): Partial<RecordedEvent> => ({
  streamName: 'credit-account-bob',
  type: 'CreditsGranted',
  position,
  data: {},
});

describe('ConsoleLiveFeed', () => {
  it('is following only once it subscribed from the head it read, and says which head', async () => {
    const { store, starts, answerHead } = storeWithSlowHead();
    const feed = new ConsoleLiveFeed(store);
    const listening = feed.notices$().subscribe();
    let following: string | null = null;
    const ready = feed.following().then((from) => (following = from));
    await new Promise((resolve) => setImmediate(resolve));
    expect(following).toBeNull();
    expect(starts).toEqual([]);

    answerHead('00000000000000000042:7');
    await ready;
    expect(following).toBe('00000000000000000042:7');
    expect(starts).toMatchObject([{ from: '00000000000000000042:7' }]);
    listening.unsubscribe();
    await feed.onModuleDestroy();
  });

  it('tells a console joining a running feed the last position passed on, not where the feed began', async () => {
    const { store, answerHead, deliver } = storeWithSlowHead();
    const feed = new ConsoleLiveFeed(store);
    const first = feed.notices$().subscribe();
    answerHead('00000000000000000042:7');
    await feed.following();
    // A change the first console was told of, before the second one listened.
    await deliver([granted('00000000000000000050:1')]);

    const seen: unknown[] = [];
    const second = feed.notices$().subscribe((notice) => seen.push(notice));
    expect(await feed.following()).toBe('00000000000000000050:1');
    expect(seen).toEqual([]);
    await deliver([granted('00000000000000000051:1')]);
    expect(seen).toMatchObject([{ kind: 'balance', user_id: 'bob', position: '00000000000000000051:1' }]);
    first.unsubscribe();
    second.unsubscribe();
    await feed.onModuleDestroy();
  });
});
