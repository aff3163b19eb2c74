import type { EventStore, SubscribeOptions } from '@ops/infra/event-store/event-store';
import { ConsoleLiveFeed } from './console-live-feed';

/** An event store whose head answers when the test says, recording where subscriptions start. */
function storeWithSlowHead() {
  let answerHead!: (position: string) => void;
  const starts: SubscribeOptions[] = [];
  const store = {
    headPosition: () => new Promise<string>((resolve) => (answerHead = resolve)),
    subscribeAll: (options: SubscribeOptions) => {
      starts.push(options);
      return { stop: async () => undefined, done: new Promise<void>(() => undefined) };
    },
  } as unknown as EventStore;
  return { store, starts, answerHead: (position: string) => answerHead(position) };
}

describe('ConsoleLiveFeed', () => {
  it('is following only once it subscribed from the head it read, so a refetch after it misses nothing', async () => {
    const { store, starts, answerHead } = storeWithSlowHead();
    const feed = new ConsoleLiveFeed(store);
    const listening = feed.notices$().subscribe();
    let following = false;
    const ready = feed.following().then(() => (following = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(following).toBe(false);
    expect(starts).toEqual([]);

    answerHead('00000000000000000042:7');
    await ready;
    expect(starts).toMatchObject([{ from: '00000000000000000042:7' }]);
    listening.unsubscribe();
    await feed.onModuleDestroy();
  });
});
