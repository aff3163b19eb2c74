import { CREDIT_ACCOUNT_SCHEMA_VERSIONS, creditAccountDecider, creditAccountStream } from '@ops/domain';
import { openDatabase, sessionName } from '@ops/infra/database/data-source';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import type { EventStore, RecordedEvent } from '@ops/infra/event-store/event-store';
import { EventStoreDbEventStore } from '@ops/infra/event-store/eventstoredb';
import { PostgresEventStore } from '@ops/infra/event-store/postgres';
import type { Projection } from '@ops/infra/projections/projection';
import { Client } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { ApiKeysProjection } from '@ops/read-models';
import { AuditLogProjection } from '@ops/read-models';
import { CreditLedgerProjection } from '@ops/read-models';
import { projectionLockKey } from '../../../apps/projector/src/runtime/projection-locks';
import { ProjectorService } from '../../../apps/projector/src/runtime/projector.service';
import { eventually } from '../../support/app';
import { EsdbFake } from '../../support/esdb-fake/server';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';

/** Fails the batches it is told to fail, after the real projection has written its rows. */
class FlakyProjection implements Projection {
  failuresLeft: number;
  readonly name: string;
  readonly filter: Projection['filter'];
  /** Declared (a read model, sharing the batch transaction) or not (a relay, alone). */
  readonly tables: Projection['tables'];

  constructor(
    private readonly inner: Projection,
    failures: number,
    asReadModel: boolean,
  ) {
    this.failuresLeft = failures;
    this.name = inner.name;
    this.filter = inner.filter;
    this.tables = asReadModel ? inner.tables : undefined;
  }

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    await this.inner.apply(events, tx);
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('simulated crash after writing rows');
    }
  }

  reset(tx: EntityManager): Promise<void> {
    return this.inner.reset(tx);
  }
}

/** The log the projector reads: PostgreSQL, or EventStoreDB over gRPC (the fake server). */
type OpenStore = (databaseUrl: string) => Promise<{
  store: EventStore;
  countEvents(db: DataSource): Promise<number>;
  close(): Promise<void>;
}>;

const openPostgres: OpenStore = async (databaseUrl) => {
  const store = new PostgresEventStore(databaseUrl);
  return {
    store,
    countEvents: async (db) => Number((await db.query('SELECT count(*) AS n FROM events'))[0].n),
    close: () => store.close(),
  };
};

const openEventStoreDb: OpenStore = async () => {
  const fake = await EsdbFake.start();
  const store = new EventStoreDbEventStore(fake.connectionString);
  return {
    store,
    countEvents: async () => (await store.readAll()).length,
    close: async () => {
      await store.close();
      await fake.stop();
    },
  };
};

describe.each([
  ['PostgreSQL', openPostgres],
  ['EventStoreDB (fake gRPC server)', openEventStoreDb],
])('projector runtime on %s', (_, openStore) => {
  let database: TestDatabase;
  let db: DataSource;
  let store: EventStore;
  let closeStore: () => Promise<void>;
  let countEvents: (db: DataSource) => Promise<number>;
  let runner: CommandRunner;
  const projectors: ProjectorService[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await openDatabase(database.url);
    ({ store, countEvents, close: closeStore } = await openStore(database.url));
    runner = new CommandRunner(store);
  });
  afterEach(async () => {
    await Promise.all(projectors.splice(0).map((projector) => projector.onApplicationShutdown()));
  });
  afterAll(async () => {
    await closeStore?.();
    await db?.destroy();
    await database?.drop();
  });

  function projector(projections: Projection[], batchSize = 7): ProjectorService {
    const service = new ProjectorService(store, db, projections, {
      batchSize,
      standbyRetryMs: 50,
      retryDelayMs: 20,
    });
    projectors.push(service);
    return service;
  }

  async function grantMany(users: string[], perUser: number): Promise<void> {
    await Promise.all(
      users.map(async (userId) => {
        for (let index = 1; index <= perUser; index++) {
          await runner.run({
            streamName: creditAccountStream(userId),
            decider: creditAccountDecider,
            command: { type: 'GrantCredits', userId, amountMicros: BigInt(index), reason: `g${index}` },
            context: { actor: 'admin', correlationId: 'c', causationId: null, source: 'test' },
            schemaVersions: CREDIT_ACCOUNT_SCHEMA_VERSIONS,
          });
        }
      }),
    );
  }

  function totalEvents(): Promise<number> {
    return countEvents(db);
  }

  /** Every read model agrees with the log: each event once, each balance the sum of its ledger. */
  async function expectReadModelsExact(): Promise<void> {
    const events = await totalEvents();
    const [{ audit }] = await db.query('SELECT count(*)::int AS audit FROM audit_log');
    const [{ ledger }] = await db.query('SELECT count(*)::int AS ledger FROM credit_transactions');
    expect(audit).toBe(events);
    expect(ledger).toBe(events);
    const mismatches = await db.query(`
      SELECT b.user_id FROM credit_balances b
        JOIN (SELECT user_id, sum(amount_micros) AS total, max(stream_revision) AS last FROM credit_transactions GROUP BY user_id) t
          USING (user_id)
       WHERE b.balance_micros <> t.total OR b.last_revision <> t.last`);
    expect(mismatches).toEqual([]);
  }

  async function waitCaughtUp(service: ProjectorService): Promise<void> {
    await eventually(async () => {
      const statuses = await service.status();
      expect(statuses.every((status) => status.lag_ms === 0 && status.state === 'running')).toBe(true);
      const [{ audit }] = await db.query('SELECT count(*)::int AS audit FROM audit_log');
      expect(audit).toBe(await totalEvents());
    }, 20_000);
  }

  it('applies every event exactly once, live, and reports no lag once caught up', async () => {
    const service = projector([new CreditLedgerProjection(), new AuditLogProjection()]);
    service.start();
    await grantMany(['u1', 'u2', 'u3'], 10);
    await waitCaughtUp(service);
    await expectReadModelsExact();
    const [balance] = await db.query(`SELECT balance_micros FROM credit_balances WHERE user_id = 'u2'`);
    expect(balance.balance_micros).toBe('55');
  });

  it('applies a live batch in one transaction whose last statement moves every checkpoint, with no savepoint', async () => {
    const transactions: string[][] = [];
    const recording = Object.create(db) as DataSource;
    recording.transaction = ((run: (tx: EntityManager) => Promise<unknown>) =>
      db.transaction(async (tx) => {
        const statements: string[] = [];
        transactions.push(statements);
        const spied = Object.create(tx) as EntityManager;
        spied.query = ((sql: string, parameters?: unknown[]) => {
          statements.push(sql);
          return tx.query(sql, parameters);
        }) as EntityManager['query'];
        return run(spied);
      })) as DataSource['transaction'];
    const service = new ProjectorService(
      store,
      recording,
      [new CreditLedgerProjection(), new AuditLogProjection()],
      { batchSize: 7, standbyRetryMs: 50, retryDelayMs: 20 },
    );
    projectors.push(service);
    service.start();
    await grantMany(['u20', 'u21'], 5);
    await waitCaughtUp(service);
    await expectReadModelsExact();
    const batches = transactions.filter((statements) => statements.some((sql) => sql.includes('WITH moves')));
    expect(batches.length).toBeGreaterThan(0);
    for (const statements of batches) {
      expect(statements.filter((sql) => sql.includes('projection_checkpoints'))).toHaveLength(1);
      expect(statements.at(-1)).toContain('WITH moves');
      expect(statements.some((sql) => sql.includes('SAVEPOINT'))).toBe(false);
    }
  });

  it.each([
    ['a relay: a transaction of its own', false, ['u4', 'u5']],
    ['a read model: a savepoint in the shared transaction', true, ['u4b', 'u5b']],
  ])(
    'rolls back a failed batch (%s) with its checkpoint and retries it: nothing doubled, nothing lost',
    async (_, asReadModel, users) => {
      await grantMany(users, 12);
      const flaky = new FlakyProjection(new CreditLedgerProjection(), 3, asReadModel);
      const service = projector([flaky, new AuditLogProjection()]);
      service.start();
      await waitCaughtUp(service);
      await eventually(async () => {
        const [{ ledger }] = await db.query('SELECT count(*)::int AS ledger FROM credit_transactions');
        expect(ledger).toBe(await totalEvents());
      });
      expect(flaky.failuresLeft).toBe(0);
      await expectReadModelsExact();
    },
  );

  it('reads the log through one subscription for all its projections', async () => {
    let live = 0;
    const counting = Object.create(store) as EventStore;
    counting.subscribeAll = (options, onEvents) => {
      const subscription = store.subscribeAll(options, onEvents);
      live++;
      void subscription.done.catch(() => undefined).finally(() => live--);
      return subscription;
    };
    const service = new ProjectorService(
      counting,
      db,
      [new CreditLedgerProjection(), new AuditLogProjection(), new ApiKeysProjection()],
      { batchSize: 7, standbyRetryMs: 50, retryDelayMs: 20 },
    );
    projectors.push(service);
    service.start();
    await grantMany(['u10', 'u11'], 6);
    await waitCaughtUp(service);
    await expectReadModelsExact();
    expect(live).toBe(1);
  });

  it('catches its projections up together: each batch of the log is read once for all of them', async () => {
    await grantMany(['u12', 'u13', 'u14'], 20);
    let batchReads = 0;
    let eventsRead = 0;
    const counting = Object.create(store) as EventStore;
    counting.readAll = async (options) => {
      const events = await store.readAll(options);
      // Lag reports look one event ahead; the catch-up reads whole batches.
      if (options?.maxCount === 7) {
        batchReads++;
        eventsRead += events.length;
      }
      return events;
    };
    const service = new ProjectorService(
      counting,
      db,
      [new CreditLedgerProjection(), new AuditLogProjection()],
      { batchSize: 7, standbyRetryMs: 50, retryDelayMs: 20 },
    );
    projectors.push(service);
    await service.reset('credit-ledger');
    await service.reset('audit-log');
    service.start();
    await waitCaughtUp(service);
    await expectReadModelsExact();
    const events = await totalEvents();
    expect(batchReads).toBeGreaterThan(events / 7);
    // Read apart, the audit log would read every event and the ledger every credit event again. A
    // projection that joins once the others have read a batch or two has those batches read again.
    expect(eventsRead).toBeLessThan(events * 1.5);
  });

  it('resumes after a stop from the stored checkpoint', async () => {
    const first = projector([new CreditLedgerProjection(), new AuditLogProjection()]);
    first.start();
    await grantMany(['u6'], 5);
    await waitCaughtUp(first);
    await first.onApplicationShutdown();
    await grantMany(['u6', 'u7'], 8);
    const second = projector([new CreditLedgerProjection(), new AuditLogProjection()]);
    second.start();
    await waitCaughtUp(second);
    await expectReadModelsExact();
  });

  it('runs each projection in one process at a time; a standby takes over when the owner stops', async () => {
    const owner = projector([new CreditLedgerProjection(), new AuditLogProjection()]);
    owner.start();
    await waitCaughtUp(owner);
    const standby = projector([new CreditLedgerProjection(), new AuditLogProjection()]);
    standby.start();
    await eventually(async () => {
      expect((await standby.status()).map((status) => status.state)).toEqual(['standby', 'standby']);
    });
    await grantMany(['u8'], 5);
    await waitCaughtUp(owner);
    await owner.onApplicationShutdown();
    await grantMany(['u8', 'u9'], 5);
    await waitCaughtUp(standby);
    await expectReadModelsExact();
  });

  it('tells which session holds each projection, and starts only the projections it is told to', async () => {
    const service = projector([
      new CreditLedgerProjection(),
      new AuditLogProjection(),
      new ApiKeysProjection(),
    ]);
    expect(await service.lockHolders()).toEqual(new Map());
    service.start(['credit-ledger']);
    await eventually(async () =>
      expect(await service.lockHolders()).toEqual(new Map([['credit-ledger', sessionName()]])),
    );
    // Another process (api-keys' lock key hashes below zero, audit-log's above: both halves of the key).
    const other = new Client({
      connectionString: database.url,
      application_name: 'ops-center:4242@elsewhere',
    });
    await other.connect();
    try {
      for (const name of ['api-keys', 'audit-log'])
        await other.query('SELECT pg_advisory_lock(hashtext($1))', [projectionLockKey(name)]);
      expect(await service.lockHolders()).toEqual(
        new Map([
          ['credit-ledger', sessionName()],
          ['audit-log', 'ops-center:4242@elsewhere'],
          ['api-keys', 'ops-center:4242@elsewhere'],
        ]),
      );
    } finally {
      await other.end();
    }
    await service.onApplicationShutdown();
    await eventually(async () => expect(await service.lockHolders()).toEqual(new Map()));
  });

  it('rebuilds a projection from zero to exactly the same rows, while it keeps running', async () => {
    const service = projector([new CreditLedgerProjection(), new AuditLogProjection()]);
    service.start();
    await waitCaughtUp(service);
    const snapshot = () =>
      db.query(
        `SELECT user_id, balance_micros, last_revision FROM credit_balances ORDER BY user_id`,
      ) as Promise<unknown[]>;
    const ledger = () =>
      db.query(
        `SELECT event_id, amount_micros, balance_after_micros FROM credit_transactions ORDER BY event_id`,
      ) as Promise<unknown[]>;
    const [balancesBefore, ledgerBefore] = [await snapshot(), await ledger()];
    expect(balancesBefore.length).toBeGreaterThan(5);
    await service.reset('credit-ledger');
    await service.waitUntilCaughtUp('credit-ledger');
    await waitCaughtUp(service);
    expect(await snapshot()).toEqual(balancesBefore);
    expect(await ledger()).toEqual(ledgerBefore);
  });
});
