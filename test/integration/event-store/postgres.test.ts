import { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '@ops/infra/database/migrations';
import type { NewEvent, RecordedEvent } from '@ops/infra/event-store/event-store';
import { START } from '@ops/infra/event-store/event-store';
import { PostgresEventStore, appendBatchQuery } from '@ops/infra/event-store/postgres';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import {
  describeEventStoreConformance,
  eventually,
  events,
  expectStrictlyIncreasing,
  sleep,
} from './conformance';

async function migrate(url: string): Promise<void> {
  const dataSource = new DataSource({ type: 'postgres', url, migrations: MIGRATIONS });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
  } finally {
    await dataSource.destroy();
  }
}

/** A transaction of its own that appends, then holds its locks (and its place in the log) open. */
async function appendInLongTransaction(
  url: string,
  streamName: string,
  batch: NewEvent[],
  holdMs: number,
): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(appendBatchQuery([{ streamName, events: batch, expected: 'any' }]));
    await sleep(holdMs);
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

describe('PostgreSQL event store', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrate(database.url);
  });

  afterAll(async () => {
    await database?.drop();
  });

  describeEventStoreConformance('PostgreSQL', async () => {
    const store = new PostgresEventStore(database.url, { poolSize: 20 });
    return {
      store,
      appendInLongTransaction: (streamName, batch, holdMs) =>
        appendInLongTransaction(database.url, streamName, batch, holdMs),
      chainsHashes: true,
      atomicAppendMany: true,
      close: () => store.close(),
    };
  });

  describe('visibility', () => {
    let store: PostgresEventStore;

    beforeAll(() => {
      store = new PostgresEventStore(database.url, { pollIntervalMs: 50 });
    });

    afterAll(async () => {
      await store.close();
    });

    it('holds back events committed after an older transaction until that one commits, then delivers both in order', async () => {
      const stream = `visibility-${Date.now()}`;
      const received: RecordedEvent[] = [];
      const subscription = store.subscribeAll(
        { from: START, filter: { streamPrefixes: [stream] } },
        async (batch) => {
          received.push(...batch);
        },
      );

      // The older transaction takes its transaction id and its global positions first.
      const late = events(1);
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query('BEGIN');
        await client.query(
          appendBatchQuery([{ streamName: `${stream}-late`, events: late, expected: 'any' }]),
        );
        const early = events(1);
        await store.append(`${stream}-early`, early, 'any');
        await sleep(400);
        // A reader trusting the sequence alone would deliver `early` now and never see `late`.
        expect(received).toEqual([]);
        await client.query('COMMIT');

        await eventually(() => received.length >= 2, 'both events');
        expect(received.map((event) => event.id)).toEqual([late[0].id, early[0].id]);
        expectStrictlyIncreasing(received.map((event) => event.position));
      } finally {
        await client.end();
        await subscription.stop();
      }
    });

    it('lets an idle subscription sleep until notified: it looks again soon only while events are held back', async () => {
      // Nothing is held back here, so only a notification (or this long idle poll) makes it read.
      const idle = new PostgresEventStore(database.url, { pollIntervalMs: 20, idlePollIntervalMs: 60_000 });
      const stream = `idle-${Date.now()}`;
      const received: RecordedEvent[] = [];
      const subscription = idle.subscribeAll(
        { from: START, filter: { streamPrefixes: [stream] } },
        async (batch) => {
          received.push(...batch);
        },
      );
      const other = new Client({ connectionString: database.url });
      await other.connect();
      try {
        await sleep(200);
        // Appended by another writer that notifies nobody: a reader polling at 20 ms would see it.
        const quiet = events(1);
        await other.query(appendBatchQuery([{ streamName: stream, events: quiet, expected: 'any' }]));
        await sleep(400);
        expect(received).toEqual([]);
        await other.query(`SELECT pg_notify('event_store', '')`);
        await eventually(() => received.length === 1, 'the event, once notified');
        expect(received[0].id).toBe(quiet[0].id);
      } finally {
        await other.end();
        await subscription.stop();
        await idle.close();
      }
    });

    it('looks for lost notifications once per idle interval for all its subscriptions: the head, then a read only when it moved', async () => {
      const store = new PostgresEventStore(database.url, { idlePollIntervalMs: 200 });
      const stream = `looked-${Date.now()}`;
      const queries = jest.spyOn(Pool.prototype, 'query');
      const named = (name: string) =>
        queries.mock.calls.filter(([config]) => (config as { name?: string }).name === name).length;
      const received: RecordedEvent[][] = [[], [], []];
      const subscriptions = received.map((into) =>
        store.subscribeAll({ from: START, filter: { streamPrefixes: [stream] } }, async (batch) => {
          into.push(...batch);
        }),
      );
      const other = new Client({ connectionString: database.url });
      await other.connect();
      try {
        await sleep(600);
        const [reads, heads] = [named('event-store:read-page'), named('event-store:head')];
        await sleep(1_000);
        // Idle: about one look at the head per interval, and no subscription reads the log.
        expect(named('event-store:read-page')).toBe(reads);
        expect(named('event-store:head') - heads).toBeGreaterThanOrEqual(3);
        expect(named('event-store:head') - heads).toBeLessThanOrEqual(6);
        // A writer that notifies nobody moves the head: the next look wakes every subscription.
        const quiet = events(1);
        await other.query(appendBatchQuery([{ streamName: stream, events: quiet, expected: 'any' }]));
        await eventually(
          () => received.every((into) => into.length === 1),
          'the event in every subscription',
        );
      } finally {
        queries.mockRestore();
        await other.end();
        await Promise.all(subscriptions.map((subscription) => subscription.stop()));
        await store.close();
      }
    });

    it('sends no NOTIFY when it is the only process reading the log, and still wakes its own readers', async () => {
      const sole = new PostgresEventStore(database.url, {
        notifyOtherProcesses: false,
        idlePollIntervalMs: 60_000,
      });
      const shared = new PostgresEventStore(database.url);
      const listener = new Client({ connectionString: database.url });
      await listener.connect();
      let notified = 0;
      listener.on('notification', () => (notified += 1));
      await listener.query('LISTEN event_store');
      const stream = `sole-${Date.now()}`;
      const received: RecordedEvent[] = [];
      const subscription = sole.subscribeAll(
        { from: START, filter: { streamPrefixes: [stream] } },
        async (batch) => {
          received.push(...batch);
        },
      );
      try {
        await sleep(200);
        await sole.append(stream, events(3), 'no_stream');
        await eventually(() => received.length === 3, 'its own reader to get the events');
        await sleep(300);
        expect(notified).toBe(0);
        await shared.append(`${stream}-shared`, events(1), 'no_stream');
        await eventually(() => notified > 0, 'the NOTIFY of a store that shares the log');
      } finally {
        await subscription.stop();
        await listener.end();
        await Promise.all([sole.close(), shared.close()]);
      }
    });

    it("lets a filtered subscription sleep through this process's appends its filter does not match", async () => {
      const store = new PostgresEventStore(database.url, { idlePollIntervalMs: 60_000 });
      const stream = `hinted-${Date.now()}`;
      const pageReads = jest.spyOn(Pool.prototype, 'query');
      const reads = () =>
        pageReads.mock.calls.filter(
          ([config]) => (config as { name?: string }).name === 'event-store:read-page',
        ).length;
      const received: RecordedEvent[] = [];
      const subscription = store.subscribeAll(
        { from: START, filter: { streamPrefixes: [`${stream}-wanted`] } },
        async (batch) => {
          received.push(...batch);
        },
      );
      try {
        await sleep(300);
        const before = reads();
        for (let index = 0; index < 10; index += 1) await store.append(`${stream}-other`, events(1), 'any');
        await sleep(300);
        expect(reads()).toBe(before);
        await store.append(`${stream}-wanted`, events(1), 'no_stream');
        await eventually(() => received.length === 1, 'the matching event');
      } finally {
        pageReads.mockRestore();
        await subscription.stop();
        await store.close();
      }
    });

    it('fails only the append that reuses an id when it shares a batch with others', async () => {
      // One append transaction at a time: while the first runs, the next three queue into one batch.
      const batching = new PostgresEventStore(database.url, { maxConcurrentAppends: 1 });
      const stream = `isolation-${Date.now()}`;
      const [reused] = events(1);
      try {
        await batching.append(`${stream}-a`, [reused], 'no_stream');
        const results = await Promise.allSettled([
          batching.append(`${stream}-first`, events(1), 'any'),
          batching.append(`${stream}-b`, events(2), 'any'),
          batching.append(`${stream}-c`, [reused], 'any'),
          batching.append(`${stream}-d`, events(1), 'no_stream'),
        ]);
        expect(results.map((result) => result.status)).toEqual([
          'fulfilled',
          'fulfilled',
          'rejected',
          'fulfilled',
        ]);
        expect(await batching.readStream(`${stream}-b`)).toHaveLength(2);
        expect(await batching.readStream(`${stream}-c`)).toEqual([]);
        expect(await batching.readStream(`${stream}-d`)).toHaveLength(1);
      } finally {
        await batching.close();
      }
    });
  });
});
