import { randomUUID } from 'node:crypto';
import { EventStoreDBClient, jsonEvent, binaryEvent } from '@eventstore/db-client';
import type { NewEvent, RecordedEvent } from '@ops/infra/event-store/event-store';
import { START, WrongExpectedRevisionError } from '@ops/infra/event-store/event-store';
import {
  EventSerializationError,
  EventStoreUnavailableError,
  EventTooLargeError,
} from '@ops/infra/event-store/event-store-errors';
import { EventStoreDbEventStore } from '@ops/infra/event-store/eventstoredb';
import { ForeignPositionError, encodePosition } from '@ops/infra/event-store/position';
import { EsdbFake, type EsdbFakeOptions } from '../../support/esdb-fake/server';
import { eventually, events, newEvent } from './conformance';

/** The EventStoreDB adapter's own promises (issue 14), each shown on the fake gRPC server. */
describe('EventStoreDB adapter on the fake server', () => {
  const opened: { fake: EsdbFake; store: EventStoreDbEventStore }[] = [];

  async function open(
    options: EsdbFakeOptions = {},
  ): Promise<{ fake: EsdbFake; store: EventStoreDbEventStore }> {
    const fake = await EsdbFake.start(options);
    const store = new EventStoreDbEventStore(fake.connectionString);
    opened.push({ fake, store });
    return { fake, store };
  }

  afterEach(async () => {
    for (const { fake, store } of opened.splice(0)) {
      await store.close();
      await fake.stop();
    }
  });

  const stream = (): string => `s-${randomUUID()}`;
  const sized = (bytes: number): NewEvent => newEvent('Large', { blob: 'x'.repeat(bytes) });

  describe('appends with an exact expectation', () => {
    it('never read the stream: each goes to the server as it is, and a retry at the same revision is answered there', async () => {
      const { fake, store } = await open();
      const name = stream();
      let expected: 'no_stream' | bigint = 'no_stream';
      for (let index = 0; index < 40; index += 1) {
        expected = (await store.append(name, events(2), expected)).nextRevision;
      }
      const batch = events(2);
      const first = await store.append(name, batch, expected);
      await expect(store.append(name, batch, expected)).resolves.toEqual(first);

      expect(fake.reads.streamReads.get(name)).toBeUndefined();
      expect(await store.readStream(name)).toHaveLength(82);
    });

    it('after a conflict, read only around the expectation, never the whole stream', async () => {
      const { fake, store } = await open();
      const name = stream();
      await store.append(name, events(500), 'no_stream');
      await store.append(name, events(1), 499n);

      const error = await store.append(name, events(1), 499n).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(error).toMatchObject({ actual: 500n });
      expect(fake.reads.streamReads.get(name)).toBe(1);
    });
  });

  describe('appends over the server limit', () => {
    it('go as several appends under 1 MiB, and the events keep their order and revisions', async () => {
      const { store } = await open();
      const name = stream();
      const large = [sized(400_000), sized(400_000), sized(400_000)];
      const result = await store.append(name, large, 'no_stream');

      expect(result.nextRevision).toBe(2n);
      const stored = await store.readStream(name);
      expect(stored.map((event) => event.id)).toEqual(large.map((event) => event.id));
      expect(stored.at(-1)?.position).toBe(result.position);
    });

    it('follow a lower limit the server reports, on the batch and on the legacy append call', async () => {
      for (const batchAppend of [true, false]) {
        const { store } = await open({ maxAppendSize: 100_000, batchAppend });
        const name = stream();
        const large = [sized(60_000), sized(60_000), sized(60_000)];
        await expect(store.append(name, large, 'any')).resolves.toMatchObject({ nextRevision: 2n });
        expect((await store.readStream(name)).map((event) => event.id)).toEqual(
          large.map((event) => event.id),
        );
      }
    });

    it('refuse one event larger than the limit with a typed error, and store nothing', async () => {
      const { store } = await open({ maxAppendSize: 100_000 });
      const name = stream();
      const error = await store
        .append(name, [sized(150_000)], 'no_stream')
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(EventTooLargeError);
      expect(error).toMatchObject({ maxBytes: 100_000 });
      expect(await store.readStream(name)).toEqual([]);
    });
  });

  describe('subscriptions', () => {
    it('hand over batches as large as asked, not the ~31 events the client buffers by default', async () => {
      const { store } = await open();
      const prefix = `${stream()}-`;
      for (let index = 0; index < 20; index += 1) await store.append(`${prefix}${index}`, events(100), 'any');

      const sizes: number[] = [];
      const subscription = store.subscribeAll(
        { from: START, filter: { streamPrefixes: [prefix] }, maxBatchSize: 500 },
        async (batch) => {
          sizes.push(batch.length);
          // A slow handler lets the client's buffer fill up, as during a catch-up.
          await new Promise((resolve) => setTimeout(resolve, 20));
        },
      );
      await eventually(() => sizes.reduce((sum, size) => sum + size, 0) >= 2_000, 'all 2000 events');
      await subscription.stop();
      expect(Math.max(...sizes)).toBeGreaterThan(40);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(500);
    });
  });

  describe('filtered reads of $all', () => {
    it('filter on the server: events of other streams are not sent to the client', async () => {
      const { fake, store } = await open();
      const prefix = `${stream()}-`;
      for (let index = 0; index < 10; index += 1) await store.append(stream(), events(100), 'any');
      const ours = events(2);
      await store.append(`${prefix}1`, ours, 'any');
      await store.append(stream(), events(100), 'any');

      fake.reads.allEventsSent = 0;
      const read = await store.readAll({ filter: { streamPrefixes: [prefix] } });
      expect(read.map((event) => event.id)).toEqual(ours.map((event) => event.id));
      // Ours, and the one event read backwards to learn where the log ends.
      expect(fake.reads.allEventsSent).toBe(3);

      fake.reads.allEventsSent = 0;
      expect(await store.readAll({ filter: { eventTypes: ['Nothing'] }, maxCount: 1 })).toEqual([]);
      expect(fake.reads.allEventsSent).toBe(1);
    });
  });

  describe('serialisation', () => {
    it('refuses BigInt or cyclic data at once with a typed error, and sends nothing', async () => {
      const { store } = await open();
      const name = stream();
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      for (const data of [{ amount: 10n }, cyclic]) {
        const error = await store
          .append(name, [newEvent('Bad', data)], 'no_stream')
          .catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(EventSerializationError);
      }
      expect(await store.readStream(name)).toEqual([]);
      await expect(store.append(name, events(1), 'no_stream')).resolves.toMatchObject({ nextRevision: 0n });
    });
  });

  describe('a node that cannot take the request', () => {
    it('is retried while it answers NotLeader or Unavailable for a moment, and the append is stored once', async () => {
      for (const fault of ['not-leader', 'unavailable'] as const) {
        const { fake, store } = await open();
        const name = stream();
        fake.setFault(fault);
        setTimeout(() => fake.setFault(null), 120);
        await expect(store.append(name, events(2), 'no_stream')).resolves.toMatchObject({ nextRevision: 1n });
        expect(await store.readStream(name)).toHaveLength(2);
      }
    });

    it('reaches the caller as the port error when it stays so', async () => {
      for (const fault of ['not-leader', 'unavailable'] as const) {
        const { fake, store } = await open();
        fake.setFault(fault);
        const error = await store.append(stream(), events(1), 'any').catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(EventStoreUnavailableError);
        expect(error).toMatchObject({ reason: fault });
        const reads = [
          () => store.readStream(stream()),
          () => store.readAll(),
          () => store.readAll({ filter: { eventTypes: ['X'] } }),
          () => store.headPosition(),
        ];
        for (const read of reads) await expect(read()).rejects.toBeInstanceOf(EventStoreUnavailableError);
      }
    });
  });

  it('close() lets the appends in flight finish and answer before the client goes', async () => {
    const { store } = await open();
    const name = stream();
    const appending = [
      store.append(name, events(1), 'no_stream'),
      store.append(`${name}-b`, events(3), 'any'),
    ];
    await store.close();
    await expect(Promise.all(appending)).resolves.toHaveLength(2);
    await expect(store.append(name, events(1), 0n)).rejects.toThrow('closed');
  });

  it('an any append never gives up with WrongExpectedRevisionError, however many races it loses', async () => {
    const { fake, store } = await open();
    const name = stream();
    await store.append(name, events(1), 'no_stream');
    fake.log.loseRaces(name, 60);
    const batch = events(1);
    await expect(store.append(name, batch, 'any')).resolves.toMatchObject({ nextRevision: 61n });
    expect((await store.readStream(name)).at(-1)?.id).toBe(batch[0].id);
  });

  describe('positions', () => {
    it('come from the append reply (no read after the write), tagged as this adapter’s', async () => {
      const { fake, store } = await open();
      const name = stream();
      const { position } = await store.append(name, events(3), 'no_stream');
      expect(fake.reads.streamReads.get(name)).toBeUndefined();
      expect(position).toMatch(/^esdb:\d{20}:\d{20}$/);
      expect((await store.readStream(name)).at(-1)?.position).toBe(position);
    });

    it('refuses a cursor made by the PostgreSQL adapter instead of reading from the wrong place', async () => {
      const { store } = await open();
      const foreign = encodePosition(12n, 34n);
      await expect(store.readAll({ from: foreign })).rejects.toBeInstanceOf(ForeignPositionError);
      await expect(store.readAll({ from: foreign, filter: { eventTypes: ['X'] } })).rejects.toBeInstanceOf(
        ForeignPositionError,
      );
      expect(() => store.subscribeAll({ from: foreign }, async () => undefined)).toThrow(
        ForeignPositionError,
      );
    });
  });

  it('hands over events another client wrote with non-object data instead of stopping on them', async () => {
    const { fake, store } = await open();
    const prefix = `${stream()}-`;
    const client = EventStoreDBClient.connectionString(fake.connectionString);
    try {
      await client.appendToStream(`${prefix}1`, [
        jsonEvent({ type: 'List', data: [1, 2] as never }),
        jsonEvent({ type: 'Text', data: 'plain' as never }),
        binaryEvent({ type: 'Bytes', data: Buffer.from([0xff, 0x00]) }),
      ]);
    } finally {
      await client.dispose();
    }
    const after = events(1);
    await store.append(`${prefix}2`, after, 'any');

    const received: RecordedEvent[] = [];
    const subscription = store.subscribeAll({ filter: { streamPrefixes: [prefix] } }, async (batch) => {
      received.push(...batch);
    });
    await eventually(() => received.length >= 4, 'all four events');
    await subscription.stop();
    expect(received.map((event) => event.data)).toEqual([
      { $value: [1, 2] },
      { $value: 'plain' },
      { $bytes: Buffer.from([0xff, 0x00]).toString('base64') },
      after[0].data,
    ]);
  });

  describe('streams whose events are all hidden', () => {
    it('accept appends again after a soft delete, with no_stream as their readers see them', async () => {
      const { fake, store } = await open();
      const name = stream();
      await store.append(name, events(3), 'no_stream');
      const client = EventStoreDBClient.connectionString(fake.connectionString);
      try {
        await client.deleteStream(name);
      } finally {
        await client.dispose();
      }
      expect(await store.readStream(name)).toEqual([]);

      const again = events(1);
      await expect(store.append(name, again, 'no_stream')).resolves.toMatchObject({ nextRevision: 3n });
      expect((await store.readStream(name)).map((event) => event.id)).toEqual([again[0].id]);
    });

    it('accept appends after a truncation to the end, with no_stream or any', async () => {
      const { fake, store } = await open();
      const name = stream();
      await store.append(name, events(2), 'no_stream');
      fake.log.truncateBefore(name, 2n);
      expect(await store.readStream(name)).toEqual([]);

      await expect(store.append(name, events(1), 'no_stream')).resolves.toMatchObject({ nextRevision: 2n });
      fake.log.truncateBefore(name, 3n);
      await expect(store.append(name, events(1), 'any')).resolves.toMatchObject({ nextRevision: 3n });
    });
  });
});
