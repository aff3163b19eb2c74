import { Logger } from '@nestjs/common';
import { openDatabase } from '@ops/infra/database/data-source';
import { PostgresEventStore } from '@ops/infra/event-store/postgres';
import type { Projection } from '@ops/infra/projections/projection';
import type { DataSource } from 'typeorm';
import { LagoUsageSync } from '../../../apps/projector/src/lago/lago-usage.sync';
import { ProjectorService } from '../../../apps/projector/src/runtime/projector.service';
import { eventually } from '../../support/app';
import { startFakeLago, type FakeLago } from '../../support/fake-lago';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { appendCompleted, CrashAfterApply, lagoApiFor, quickRetry } from './lago-fixtures';

describe('Lago usage sync against a Lago stand-in', () => {
  let database: TestDatabase;
  let db: DataSource;
  let store: PostgresEventStore;
  let lago: FakeLago;
  const shutdown = new AbortController();
  const projectors: ProjectorService[] = [];
  let sequence = 0;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(async () => {
    database = await createTestDatabase();
    db = await openDatabase(database.url);
    store = new PostgresEventStore(database.url);
    lago = await startFakeLago();
  });
  afterEach(async () => {
    await Promise.all(projectors.splice(0).map((projector) => projector.onApplicationShutdown()));
    await lago.close();
    await store.close();
    await db.destroy();
    await database.drop();
  });
  afterAll(() => shutdown.abort());

  function sync(): LagoUsageSync {
    return new LagoUsageSync(lagoApiFor(lago.apiUrl, lago.apiKey), quickRetry(shutdown.signal), 'llm_usage');
  }

  function run(projection: Projection, batchSize = 500): ProjectorService {
    const projector = new ProjectorService(store, db, [projection], { batchSize, retryDelayMs: 20 });
    projectors.push(projector);
    projector.start();
    return projector;
  }

  async function stop(projector: ProjectorService): Promise<void> {
    projectors.splice(projectors.indexOf(projector), 1);
    await projector.onApplicationShutdown();
  }

  /** Appends `count` completed requests with fresh ids; returns those ids. */
  async function complete(
    count: number,
    userId = 'alice',
    extra: { model?: string } = {},
  ): Promise<string[]> {
    const ids = Array.from({ length: count }, () => `req-${++sequence}`);
    for (const requestId of ids) await appendCompleted(store, { requestId, userId, ...extra });
    return ids;
  }

  /**
   * Waits until every event was settled (delivered or parked). The runtime's own caught-up check
   * is not enough here: the store hides events newer than the oldest open transaction on the whole
   * server, and other suites may hold one.
   */
  async function settled(count: number): Promise<void> {
    await eventually(async () => {
      const [{ n }] = await db.query(
        `SELECT (SELECT count(*) FROM lago_deliveries) + (SELECT count(*) FROM lago_parked_events) AS n`,
      );
      expect(Number(n)).toBe(count);
    }, 20_000);
  }

  function lagoTransactionIds(): string[] {
    return lago.events.map((event) => event.transaction_id);
  }

  it('sends each request once, with its own time, the mapped subscription and the usage properties', async () => {
    await db.query(
      `INSERT INTO lago_subscriptions (user_id, external_subscription_id, updated_by) VALUES ('bob', 'sub-bob', 'admin')`,
    );
    const occurredAt = '2026-11-20T10:15:30.250Z';
    await appendCompleted(store, { requestId: 'shape-1', userId: 'bob', costMicros: '4321', occurredAt });
    run(sync());
    await settled(1);

    const sent = lago.events.find((event) => event.transaction_id === 'llm-request:shape-1');
    expect(sent).toEqual({
      transaction_id: 'llm-request:shape-1',
      external_subscription_id: 'sub-bob',
      code: 'llm_usage',
      timestamp: Date.parse(occurredAt) / 1000,
      properties: {
        model: 'llama-3.1-8b-instant',
        provider: 'groq',
        input_tokens: 120,
        output_tokens: 30,
        cost_micros: '4321',
        byok: false,
        tier: 'pro',
      },
    });
    const [row] = await db.query(
      `SELECT status, amount_micros FROM lago_deliveries WHERE transaction_id = $1`,
      ['llm-request:shape-1'],
    );
    expect(row).toEqual({ status: 'delivered', amount_micros: '4321' });
  });

  it('sends batches of at most 100 events', async () => {
    const ids = await complete(250);
    run(sync(), 1_000);
    await settled(250);
    expect(lagoTransactionIds().filter((id) => ids.includes(id.slice('llm-request:'.length)))).toHaveLength(
      250,
    );
    expect(Math.max(...lago.batchSizes)).toBeLessThanOrEqual(100);
  });

  it('sends nothing twice across a crash before the commit and a restart of the projector', async () => {
    const first = await complete(30);
    const crashing = run(new CrashAfterApply(sync(), 2), 10);
    await settled(30);
    await stop(crashing);
    const second = await complete(20);
    run(sync(), 10);
    await settled(50);

    const expected = [...first, ...second].map((id) => `llm-request:${id}`).sort();
    expect([...lagoTransactionIds()].sort()).toEqual(expected);
    // The crashed batches were sent again and answered as duplicates, which count as delivered.
    expect(lago.duplicatesRefused).toBeGreaterThanOrEqual(10);
    const [{ count }] = await db.query(
      `SELECT count(*)::int AS count FROM lago_deliveries WHERE kind = 'usage'`,
    );
    expect(count).toBe(50);
  });

  it('waits out a period of 429 and 500 answers and skips nothing', async () => {
    lago.failNext(4, 429);
    const ids = await complete(15);
    run(sync(), 5);
    await eventually(async () => expect(lago.answers.filter((status) => status === 429)).toHaveLength(4));
    lago.failNext(3, 503);
    const more = await complete(15);
    await settled(30);

    expect([...lagoTransactionIds()].sort()).toEqual(
      [...ids, ...more].map((id) => `llm-request:${id}`).sort(),
    );
    expect(lago.answers.filter((status) => status === 503)).toHaveLength(3);
  });

  it('parks a poison event with its reason and delivers the rest of its batch', async () => {
    lago.refuseEventsWhen((event) =>
      event.properties?.model === 'poison-model' ? { properties: ['invalid_value'] } : null,
    );
    const before = await complete(4);
    const [poison] = await complete(1, 'alice', { model: 'poison-model' });
    const after = await complete(4);
    run(sync());
    await settled(9);

    expect([...lagoTransactionIds()].sort()).toEqual(
      [...before, ...after].map((id) => `llm-request:${id}`).sort(),
    );
    const parked = await db.query(`SELECT kind, user_id, reason, payload FROM lago_parked_events`);
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ kind: 'usage', user_id: 'alice' });
    expect(parked[0].reason).toContain('invalid_value');
    expect(parked[0].payload.transaction_id).toBe(`llm-request:${poison}`);
  });

  it('finds the poison event by splitting a batch when Lago does not say which one it is', async () => {
    lago.refuseEventsWhen(
      (event) => (event.properties?.model === 'opaque-poison' ? { base: ['refused'] } : null),
      { indexed: false },
    );
    const plain = await complete(6);
    const [poison] = await complete(1, 'alice', { model: 'opaque-poison' });
    await complete(3);
    run(sync());
    await settled(10);
    expect(lagoTransactionIds()).toHaveLength(9);
    expect(lagoTransactionIds()).toEqual(expect.arrayContaining(plain.map((id) => `llm-request:${id}`)));
    const parked = await db.query(`SELECT payload FROM lago_parked_events`);
    expect(parked.map((row: { payload: { transaction_id: string } }) => row.payload.transaction_id)).toEqual([
      `llm-request:${poison}`,
    ]);
  });
});
