import { randomBytes, randomUUID } from 'node:crypto';
import type { EventStore, GlobalPosition, NewEvent, RecordedEvent } from '@ops/infra/event-store/event-store';
import { DuplicateEventIdError, START, WrongExpectedRevisionError } from '@ops/infra/event-store/event-store';
import { GLOBAL_POSITION_PATTERN } from '@ops/infra/event-store/position';
import { chainHash, contentHash } from '@ops/infra/event-store/integrity/event-hashes';

export interface EventStoreHarness {
  store: EventStore;
  /**
   * Appends inside a transaction that stays open for `holdMs` before it commits, so that events
   * appended meanwhile commit first. Only stores with such transactions (PostgreSQL) provide it.
   */
  appendInLongTransaction?: (streamName: string, events: NewEvent[], holdMs: number) => Promise<void>;
  /** The store chains each stream's events by hash (tamper evidence), so every event has `integrity`. */
  chainsHashes?: boolean;
  /** `appendMany` stores all of its streams or none (PostgreSQL); otherwise one after another. */
  atomicAppendMany?: boolean;
  close(): Promise<void>;
}

const WAIT_TIMEOUT_MS = 30_000;

export function newEvent(type = 'ThingHappened', data: Record<string, unknown> = {}): NewEvent {
  return {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    data,
    metadata: {
      actor: 'conformance',
      correlationId: randomUUID(),
      causationId: null,
      occurredAt: new Date().toISOString(),
      source: 'test',
    },
  };
}

export function events(count: number, type?: string): NewEvent[] {
  return Array.from({ length: count }, (_, index) => newEvent(type, { index }));
}

/** Every event links to the one before it with the hash append_events defines (integrity/event-hashes.ts). */
export function expectChained(stored: readonly RecordedEvent[]): void {
  let previousHash: string | null = null;
  stored.forEach((event, index) => {
    expect(event.revision).toBe(BigInt(index));
    expect(event.integrity).toEqual({
      previousHash,
      hash: chainHash(previousHash, contentHash(event), event.streamName, event.revision),
    });
    previousHash = event.integrity!.hash;
  });
}

export async function eventually(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(20);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Reads see an event once it is visible (PostgreSQL: once older transactions ended). */
export function waitUntilVisible(store: EventStore, position: GlobalPosition): Promise<void> {
  return eventually(
    async () => (await store.headPosition()) >= position,
    `position ${position} to be visible`,
  );
}

export function expectStrictlyIncreasing(positions: readonly string[]): void {
  for (let index = 1; index < positions.length; index += 1) {
    if (!(positions[index - 1] < positions[index])) {
      throw new Error(
        `Positions not strictly increasing at ${index}: ${positions[index - 1]} then ${positions[index]}`,
      );
    }
  }
}

async function captureError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the operation to fail');
}

/**
 * The behaviour every EventStore adapter must share. Stream names carry a random per-run prefix, so
 * the suite also runs against a server that holds other data (a shared EventStoreDB).
 */
export function describeEventStoreConformance(name: string, factory: () => Promise<EventStoreHarness>): void {
  describe(`${name} event store conformance`, () => {
    const run = `cf${randomBytes(4).toString('hex')}`;
    let harness: EventStoreHarness;
    let store: EventStore;
    let streams = 0;
    /** A fresh category (stream-name prefix) per test. */
    const category = (): string => `${run}-c${(streams += 1)}-`;

    beforeAll(async () => {
      harness = await factory();
      store = harness.store;
    });

    afterAll(async () => {
      await harness?.close();
    });

    describe('append', () => {
      it('creates a stream with no_stream and numbers revisions from 0, contiguously', async () => {
        const stream = `${category()}1`;
        const first = events(2);
        const second = events(3);

        const created = await store.append(stream, first, 'no_stream');
        const extended = await store.append(stream, second, 1n);

        expect(created.nextRevision).toBe(1n);
        expect(extended.nextRevision).toBe(4n);
        const stored = await store.readStream(stream);
        expect(stored.map((event) => event.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
        expect(stored.map((event) => event.id)).toEqual([...first, ...second].map((event) => event.id));
        expect(stored[1].position).toBe(created.position);
        expect(stored[4].position).toBe(extended.position);
        expectStrictlyIncreasing(stored.map((event) => event.position));
        const [recorded] = stored;
        expect(recorded).toMatchObject({
          streamName: stream,
          type: first[0].type,
          schemaVersion: 1,
          data: first[0].data,
          metadata: first[0].metadata,
        });
        expect(recorded.recordedAt).toBeInstanceOf(Date);
        // Lag is the age of the oldest pending event: the log's clock must read like ours (give or take skew).
        expect(Math.abs(recorded.recordedAt.getTime() - Date.now())).toBeLessThan(60_000);
        if (harness.chainsHashes) {
          expect(recorded.integrity).toEqual({
            previousHash: null,
            hash: expect.stringMatching(/^[0-9a-f]{64}$/),
          });
        } else {
          expect(recorded.integrity).toBeUndefined();
        }
      });

      it('refuses a wrong expected revision with the actual one, and appends nothing', async () => {
        const stream = `${category()}1`;
        await store.append(stream, events(2), 'no_stream');

        for (const expected of [0n, 5n, 'no_stream'] as const) {
          const error = await captureError(store.append(stream, events(1), expected));
          expect(error).toBeInstanceOf(WrongExpectedRevisionError);
          expect(error).toMatchObject({ streamName: stream, expected, actual: 1n });
        }
        const missing = await captureError(store.append(`${category()}missing`, events(1), 0n));
        expect(missing).toMatchObject({ name: 'WrongExpectedRevisionError', actual: -1n });
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('refuses stream_exists on a missing stream and accepts it on an existing one', async () => {
        const stream = `${category()}1`;

        const error = await captureError(store.append(stream, events(1), 'stream_exists'));
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ actual: -1n, expected: 'stream_exists' });
        expect(await store.readStream(stream)).toEqual([]);

        await store.append(stream, events(1), 'no_stream');
        expect((await store.append(stream, events(2), 'stream_exists')).nextRevision).toBe(2n);
      });

      it('always appends with any, on a missing stream and on an existing one', async () => {
        const stream = `${category()}1`;
        expect((await store.append(stream, events(1), 'any')).nextRevision).toBe(0n);
        expect((await store.append(stream, events(3), 'any')).nextRevision).toBe(3n);
        expect((await store.readStream(stream)).map((event) => event.revision)).toEqual([0n, 1n, 2n, 3n]);
      });

      it('answers a retried append with the first result and appends nothing, whatever it expects', async () => {
        const stream = `${category()}1`;
        const batch = events(2);
        const first = await store.append(stream, batch, 'no_stream');
        await store.append(stream, events(1), 1n);

        for (const expected of ['any', 'no_stream', 0n, 1n, 'stream_exists'] as const) {
          await expect(store.append(stream, batch, expected)).resolves.toEqual(first);
        }
        expect((await store.readStream(stream)).map((event) => event.id)).toHaveLength(3);
      });

      it('refuses an append that reuses only some ids, or reuses them in another order', async () => {
        const stream = `${category()}1`;
        const [a, b] = events(2);
        await store.append(stream, [a, b], 'no_stream');

        for (const attempt of [
          [b, newEvent()],
          [newEvent(), a],
          [b, a],
        ]) {
          const error = await captureError(store.append(stream, attempt, 'any'));
          expect(error).toBeInstanceOf(DuplicateEventIdError);
          const reused = attempt.filter((event) => event === a || event === b).map((event) => event.id);
          expect((error as DuplicateEventIdError).eventIds).toEqual(reused);
        }
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('refuses an id already stored in another stream, alone or among new ones', async () => {
        const [first, second] = [`${category()}1`, `${category()}2`];
        const used = newEvent();
        await store.append(first, [used], 'no_stream');

        for (const attempt of [[used], [newEvent(), used]]) {
          const error = await captureError(store.append(second, attempt, 'any'));
          expect(error).toBeInstanceOf(DuplicateEventIdError);
          expect((error as DuplicateEventIdError).eventIds).toEqual([used.id]);
        }
        expect(await store.readStream(second)).toEqual([]);
        expect((await store.readStream(first)).map((event) => event.id)).toEqual([used.id]);
      });

      it('refuses one id twice in the same append', async () => {
        const event = newEvent();
        const error = await captureError(store.append(`${category()}1`, [event, event], 'any'));
        expect(error).toBeInstanceOf(DuplicateEventIdError);
      });

      it('lets two identical appends racing each other both succeed with one result', async () => {
        for (const expected of ['no_stream', 'any'] as const) {
          const stream = `${category()}1`;
          const batch = events(3);
          const [one, two] = await Promise.all([
            store.append(stream, batch, expected),
            store.append(stream, batch, expected),
          ]);
          expect(one).toEqual(two);
          expect(await store.readStream(stream)).toHaveLength(3);
        }
      });

      it('never refuses an any append, however many writers race on the same stream', async () => {
        const stream = `${category()}1`;
        const results = await Promise.all(
          Array.from({ length: 24 }, () => store.append(stream, events(1), 'any')),
        );
        expect(new Set(results.map((result) => result.nextRevision)).size).toBe(24);
        expect(await store.readStream(stream)).toHaveLength(24);
      });

      it('keeps appends to different streams independent when they run together', async () => {
        const prefix = category();
        const results = await Promise.allSettled([
          store.append(`${prefix}a`, events(1), 'no_stream'),
          store.append(`${prefix}b`, events(1), 5n),
          store.append(`${prefix}c`, events(2), 'any'),
        ]);
        expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(await store.readStream(`${prefix}b`)).toEqual([]);
        expect(await store.readStream(`${prefix}c`)).toHaveLength(2);
      });
    });

    describe('appendMany', () => {
      it('stores every stream, with results in the order given', async () => {
        const prefix = category();
        const existing = await store.append(`${prefix}b`, events(2), 'no_stream');
        const results = await store.appendMany([
          { streamName: `${prefix}a`, events: events(1), expected: 'no_stream' },
          { streamName: `${prefix}b`, events: events(3), expected: existing.nextRevision },
        ]);
        expect(results.map((result) => result.nextRevision)).toEqual([0n, 4n]);
        expect(results[0].position < results[1].position).toBe(true);
        expect(await store.readStream(`${prefix}a`)).toHaveLength(1);
        expect(await store.readStream(`${prefix}b`)).toHaveLength(5);
      });

      it('answers a retried multi-stream append with the first results and appends nothing', async () => {
        const prefix = category();
        const appends = [
          { streamName: `${prefix}a`, events: events(2), expected: 'no_stream' as const },
          { streamName: `${prefix}b`, events: events(1), expected: 'no_stream' as const },
        ];
        const first = await store.appendMany(appends);
        expect(await store.appendMany(appends)).toEqual(first);
        expect(await store.readStream(`${prefix}a`)).toHaveLength(2);
      });

      it('refuses a stream named twice, or one event id in two streams, before storing anything', async () => {
        const prefix = category();
        const shared = events(1);
        await expect(
          store.appendMany([
            { streamName: `${prefix}a`, events: events(1), expected: 'any' },
            { streamName: `${prefix}a`, events: events(1), expected: 'any' },
          ]),
        ).rejects.toThrow(RangeError);
        await expect(
          store.appendMany([
            { streamName: `${prefix}a`, events: shared, expected: 'any' },
            { streamName: `${prefix}b`, events: shared, expected: 'any' },
          ]),
        ).rejects.toThrow(DuplicateEventIdError);
        expect(await store.readStream(`${prefix}a`)).toEqual([]);
      });

      it('fails on a wrong expected revision, naming the stream; atomic stores keep none of it', async () => {
        const prefix = category();
        const error = await store
          .appendMany([
            { streamName: `${prefix}a`, events: events(1), expected: 'no_stream' },
            { streamName: `${prefix}b`, events: events(1), expected: 3n },
          ])
          .catch((thrown: unknown) => thrown);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamName: `${prefix}b`, expected: 3n, actual: -1n });
        expect(await store.readStream(`${prefix}a`)).toHaveLength(harness.atomicAppendMany ? 0 : 1);
        expect(await store.readStream(`${prefix}b`)).toEqual([]);
      });

      it('keeps a failing multi-stream append from failing the appends committed beside it', async () => {
        const prefix = category();
        const results = await Promise.allSettled([
          store.append(`${prefix}x`, events(1), 'no_stream'),
          store.appendMany([
            { streamName: `${prefix}y`, events: events(1), expected: 'no_stream' },
            { streamName: `${prefix}z`, events: events(1), expected: 7n },
          ]),
          store.appendMany([
            { streamName: `${prefix}v`, events: events(1), expected: 'no_stream' },
            { streamName: `${prefix}w`, events: events(2), expected: 'any' },
          ]),
        ]);
        expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(await store.readStream(`${prefix}x`)).toHaveLength(1);
        expect(await store.readStream(`${prefix}w`)).toHaveLength(2);
      });
    });

    describe('readStream', () => {
      it('reads in order, from a revision, up to a count, and a missing stream as empty', async () => {
        const stream = `${category()}1`;
        await store.append(stream, events(5), 'no_stream');

        const revisions = async (options?: { fromRevision?: bigint; maxCount?: number }): Promise<bigint[]> =>
          (await store.readStream(stream, options)).map((event) => event.revision);
        expect(await revisions()).toEqual([0n, 1n, 2n, 3n, 4n]);
        expect(await revisions({ fromRevision: 2n })).toEqual([2n, 3n, 4n]);
        expect(await revisions({ maxCount: 2 })).toEqual([0n, 1n]);
        expect(await revisions({ fromRevision: 3n, maxCount: 1 })).toEqual([3n]);
        expect(await revisions({ fromRevision: 9n })).toEqual([]);
        expect(await store.readStream(`${category()}missing`)).toEqual([]);
      });
    });

    describe('tamper evidence', () => {
      it('chains each stream by hash, also when appends with any race each other', async () => {
        const stream = `${category()}1`;
        await store.append(stream, events(2), 'no_stream');
        await Promise.all(Array.from({ length: 8 }, () => store.append(stream, events(2), 'any')));
        await store.append(stream, events(1), 17n);
        const stored = await store.readStream(stream);
        expect(stored).toHaveLength(19);
        expectChained(stored);
      });

      it('reads chains stream by stream, from revision 0, up to a position and within a scope', async () => {
        const prefix = category();
        await store.append(`${prefix}b`, events(2), 'no_stream');
        await store.append(`${prefix}a`, events(3), 'no_stream');
        const cut = (await store.append(`${prefix}b`, events(1), 1n)).position;
        await store.append(`${prefix}a`, events(1), 2n);
        const last = (await store.append(`${run}-other`, events(1), 'any')).position;
        await waitUntilVisible(store, last);

        const read = async (options: Parameters<EventStore['readChains']>[0]): Promise<RecordedEvent[]> => {
          const all: RecordedEvent[] = [];
          for await (const batch of store.readChains(options)) all.push(...batch);
          return all;
        };
        const upToCut = await read({ upTo: cut, category: prefix });
        const byStream = new Map<string, RecordedEvent[]>();
        for (const event of upToCut)
          byStream.set(event.streamName, [...(byStream.get(event.streamName) ?? []), event]);
        expect([...byStream.keys()].sort()).toEqual([`${prefix}a`, `${prefix}b`]);
        expect(upToCut.map((event) => event.streamName)).toEqual(
          [...byStream.entries()].flatMap(([name, stored]) => stored.map(() => name)),
        );
        expect(byStream.get(`${prefix}a`)).toHaveLength(3);
        expect(byStream.get(`${prefix}b`)).toHaveLength(3);
        byStream.forEach(expectChained);

        expect(await read({ category: prefix })).toHaveLength(7);
        expect((await read({ stream: `${prefix}a` })).map((event) => event.revision)).toEqual([
          0n,
          1n,
          2n,
          3n,
        ]);
        const everything = await read({});
        expect(everything.filter((event) => event.streamName.startsWith(prefix))).toHaveLength(7);
      });

      it('reads the events at given revisions, and null where there is none', async () => {
        const stream = `${category()}1`;
        await store.append(stream, events(3), 'no_stream');
        const stored = await store.readStream(stream);
        const found = await store.readRevisions([
          { streamName: stream, revision: 2n },
          { streamName: stream, revision: 3n },
          { streamName: `${category()}missing`, revision: 0n },
          { streamName: stream, revision: 0n },
        ]);
        expect(found.map((event) => event?.id ?? null)).toEqual([stored[2].id, null, null, stored[0].id]);
        expect(found[0]?.integrity).toEqual(stored[2].integrity);
      });
    });

    describe('readAll', () => {
      it('reads from START and from a position (exclusive), in append order, up to a count', async () => {
        const prefix = category();
        const appended: string[] = [];
        let last: GlobalPosition = START;
        for (const stream of ['a', 'b', 'a', 'c']) {
          const batch = events(2);
          last = (await store.append(`${prefix}${stream}`, batch, 'any')).position;
          appended.push(...batch.map((event) => event.id));
        }
        await waitUntilVisible(store, last);
        const filter = { streamPrefixes: [prefix] };

        const all = await store.readAll({ from: START, filter });
        expect(all.map((event) => event.id)).toEqual(appended);
        expectStrictlyIncreasing(all.map((event) => event.position));
        expect(all.at(-1)?.position).toBe(last);

        const rest = await store.readAll({ from: all[2].position, filter });
        expect(rest.map((event) => event.id)).toEqual(appended.slice(3));
        expect(await store.readAll({ from: last, filter })).toEqual([]);

        const firstThree = await store.readAll({ from: START, filter, maxCount: 3 });
        expect(firstThree.map((event) => event.id)).toEqual(appended.slice(0, 3));

        const unfiltered = await store.readAll({ from: all[0].position });
        const ours = new Set(appended);
        expect(unfiltered.filter((event) => ours.has(event.id)).map((event) => event.id)).toEqual(
          appended.slice(1),
        );
        expectStrictlyIncreasing(unfiltered.map((event) => event.position));
      });

      it('filters by stream prefix (literally) and by event type, and combines both with AND', async () => {
        const prefix = category();
        const appendOne = async (
          stream: string,
          type: string,
        ): Promise<{ id: string; position: GlobalPosition }> => {
          const event = newEvent(type);
          const { position } = await store.append(`${prefix}${stream}`, [event], 'any');
          return { id: event.id, position };
        };
        const orderA = await appendOne('order_1', 'Placed');
        const orderB = await appendOne('order_2', 'Shipped');
        const lookalike = await appendOne('orderX3', 'Placed');
        const invoice = await appendOne('invoice-1', 'Shipped');
        await waitUntilVisible(store, invoice.position);
        const ids = async (filter: { streamPrefixes?: string[]; eventTypes?: string[] }): Promise<string[]> =>
          (await store.readAll({ filter })).map((event) => event.id);

        expect(await ids({ streamPrefixes: [`${prefix}order_`] })).toEqual([orderA.id, orderB.id]);
        expect(await ids({ streamPrefixes: [`${prefix}order`] })).toEqual([
          orderA.id,
          orderB.id,
          lookalike.id,
        ]);
        expect(await ids({ streamPrefixes: [`${prefix}order_`, `${prefix}inv`] })).toEqual([
          orderA.id,
          orderB.id,
          invoice.id,
        ]);
        expect(await ids({ streamPrefixes: [prefix], eventTypes: ['Shipped'] })).toEqual([
          orderB.id,
          invoice.id,
        ]);
        expect(await ids({ streamPrefixes: [`${prefix}order`], eventTypes: ['Placed', 'Nope'] })).toEqual([
          orderA.id,
          lookalike.id,
        ]);
      });
    });

    describe('headPosition', () => {
      it('reaches the position of the latest append', async () => {
        const { position } = await store.append(`${category()}1`, events(2), 'any');
        await waitUntilVisible(store, position);
        expect(await store.headPosition()).toMatch(GLOBAL_POSITION_PATTERN);
      });
    });

    describe('subscribeAll', () => {
      it('catches up, then goes live, filtered, in batches no larger than asked, and stops', async () => {
        const prefix = category();
        const from = await store.headPosition();
        const before = events(3);
        for (const event of before) await store.append(`${prefix}1`, [event], 'any');
        await store.append(`${category()}other`, events(1), 'any');

        const received: RecordedEvent[] = [];
        const batchSizes: number[] = [];
        const subscription = store.subscribeAll(
          { from, filter: { streamPrefixes: [prefix] }, maxBatchSize: 2 },
          async (batch) => {
            batchSizes.push(batch.length);
            received.push(...batch);
          },
        );
        await eventually(() => received.length >= 3, 'catch-up');

        const live = events(2);
        await store.append(`${prefix}2`, live, 'any');
        await store.append(`${category()}other`, events(1), 'any');
        await eventually(() => received.length >= 5, 'live events');
        await subscription.stop();

        await store.append(`${prefix}1`, events(1), 'any');
        await sleep(600);
        expect(received.map((event) => event.id)).toEqual([...before, ...live].map((event) => event.id));
        expectStrictlyIncreasing(received.map((event) => event.position));
        expect(Math.max(...batchSizes)).toBeLessThanOrEqual(2);
        await expect(subscription.done).resolves.toBeUndefined();
      });

      it('starts strictly after its from position', async () => {
        const prefix = category();
        await store.append(`${prefix}1`, events(2), 'any');
        const after = await store.append(`${prefix}1`, events(1), 'any');
        const next = events(1);
        await store.append(`${prefix}1`, next, 'any');

        const received: RecordedEvent[] = [];
        const subscription = store.subscribeAll(
          { from: after.position, filter: { streamPrefixes: [prefix] } },
          async (batch) => {
            received.push(...batch);
          },
        );
        await eventually(() => received.length >= 1, 'the event after from');
        await sleep(300);
        await subscription.stop();
        expect(received.map((event) => event.id)).toEqual([next[0].id]);
      });

      it('ends with the error its handler throws', async () => {
        const prefix = category();
        await store.append(`${prefix}1`, events(1), 'any');
        const failure = new Error('projection failed');
        const subscription = store.subscribeAll(
          { from: START, filter: { streamPrefixes: [prefix] } },
          async () => {
            throw failure;
          },
        );
        await expect(subscription.done).rejects.toBe(failure);
        await expect(subscription.stop()).resolves.toBeUndefined();
      });

      it('waits for the handler call in flight before stop() resolves, and delivers nothing after', async () => {
        const prefix = category();
        await store.append(`${prefix}1`, events(1), 'any');
        let release: () => void = () => undefined;
        let calls = 0;
        let finished = false;
        const subscription = store.subscribeAll(
          { from: START, filter: { streamPrefixes: [prefix] } },
          async () => {
            calls += 1;
            await new Promise<void>((resolve) => (release = resolve));
            finished = true;
          },
        );
        await eventually(() => calls === 1, 'the first handler call');
        await store.append(`${prefix}1`, events(1), 'any');

        let stopped = false;
        const stopping = subscription.stop().then(() => (stopped = true));
        await sleep(100);
        expect(stopped).toBe(false);
        release();
        await stopping;
        expect(finished).toBe(true);
        expect(calls).toBe(1);
      });
    });

    describe('under concurrency', () => {
      const WRITERS = 16;
      const APPENDS_PER_WRITER = 50;
      const STREAMS = 200;

      it('a live subscriber sees every committed event exactly once, in order, while 16 writers append', async () => {
        const prefix = category();
        const from = await store.headPosition();
        const received: RecordedEvent[] = [];
        const subscription = store.subscribeAll(
          { from, filter: { streamPrefixes: [prefix] } },
          async (batch) => {
            received.push(...batch);
          },
        );

        const appended = new Set<string>();
        const writer = async (writerIndex: number): Promise<void> => {
          for (let index = 0; index < APPENDS_PER_WRITER; index += 1) {
            const stream = `${prefix}${(writerIndex * 37 + index * 11) % STREAMS}`;
            const batch = events(index % 5 === 0 ? 3 : 1);
            // Some transactions take their ids and positions first and commit last.
            if (harness.appendInLongTransaction && index % 25 === 7) {
              await harness.appendInLongTransaction(stream, batch, 200);
            } else {
              await store.append(stream, batch, 'any');
            }
            for (const event of batch) appended.add(event.id);
          }
        };
        await Promise.all(Array.from({ length: WRITERS }, (_, index) => writer(index)));

        await eventually(() => received.length >= appended.size, `${appended.size} events to arrive`);
        await sleep(500);
        await subscription.stop();

        const ids = received.map((event) => event.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(new Set(ids)).toEqual(appended);
        expectStrictlyIncreasing(received.map((event) => event.position));
        const revisionsByStream = new Map<string, bigint[]>();
        for (const event of received) {
          const revisions = revisionsByStream.get(event.streamName) ?? [];
          revisions.push(event.revision);
          revisionsByStream.set(event.streamName, revisions);
        }
        for (const revisions of revisionsByStream.values()) {
          expect(revisions).toEqual(revisions.map((_, index) => BigInt(index)));
        }
        const reread = await store.readAll({ from, filter: { streamPrefixes: [prefix] } });
        expect(reread.map((event) => event.id)).toEqual(ids);
      });
    });
  });
}
