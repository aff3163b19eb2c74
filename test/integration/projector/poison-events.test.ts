import { randomUUID } from 'node:crypto';
import { creditAccountStream } from '@ops/domain';
import { openDatabase } from '@ops/infra/database/data-source';
import type { NewEvent } from '@ops/infra/event-store/event-store';
import { PostgresEventStore } from '@ops/infra/event-store/postgres';
import type { Projection } from '@ops/infra/projections/projection';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditLogProjection } from '@ops/read-models';
import { CreditLedgerProjection } from '@ops/read-models';
import { ProjectorService } from '../../../apps/projector/src/runtime/projector.service';
import { eventually } from '../../support/app';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';

function grant(userId: string, amountMicros: string): NewEvent {
  return {
    id: randomUUID(),
    type: 'CreditsGranted',
    schemaVersion: 1,
    data: { userId, amountMicros, reason: 'test' },
    metadata: {
      actor: 'admin',
      correlationId: randomUUID(),
      causationId: null,
      occurredAt: new Date().toISOString(),
      source: 'test',
    },
  };
}

/** Fails while the database looks unavailable, as a connection reset does: never the event's fault. */
class UnavailableOnce implements Projection {
  failures = 0;
  readonly name = 'credit-ledger';
  readonly filter: Projection['filter'];
  readonly tables: Projection['tables'];

  constructor(
    private readonly inner: Projection,
    private failuresLeft: number,
  ) {
    this.filter = inner.filter;
    this.tables = inner.tables;
  }

  async apply(events: Parameters<Projection['apply']>[0], tx: EntityManager): Promise<void> {
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      this.failures++;
      throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET', syscall: 'read' });
    }
    await this.inner.apply(events, tx);
  }

  reset(tx: EntityManager): Promise<void> {
    return this.inner.reset(tx);
  }
}

describe('a projection meeting an event it cannot apply', () => {
  let database: TestDatabase;
  let db: DataSource;
  let store: PostgresEventStore;
  const projectors: ProjectorService[] = [];

  beforeEach(async () => {
    database = await createTestDatabase();
    db = await openDatabase(database.url);
    store = new PostgresEventStore(database.url);
  });
  afterEach(async () => {
    await Promise.all(projectors.splice(0).map((projector) => projector.onApplicationShutdown()));
    await store?.close();
    await db?.destroy();
    await database?.drop();
  });

  function projector(projections: Projection[]): ProjectorService {
    const service = new ProjectorService(store, db, projections, {
      batchSize: 50,
      standbyRetryMs: 50,
      retryDelayMs: 20,
    });
    projectors.push(service);
    return service;
  }

  it('records it with the error, applies everything around it, and says so in its status', async () => {
    const poison = grant('p1', 'not-a-number');
    await store.append(creditAccountStream('p1'), [grant('p1', '5'), poison, grant('p1', '7')], 'no_stream');
    await store.append(creditAccountStream('p2'), [grant('p2', '11')], 'no_stream');
    const service = projector([new CreditLedgerProjection(), new AuditLogProjection()]);
    service.start();

    await eventually(async () => {
      const [{ n }] = await db.query('SELECT count(*)::int AS n FROM credit_transactions');
      expect(n).toBe(3);
    }, 20_000);
    const balances = await db.query('SELECT user_id, balance_micros FROM credit_balances ORDER BY user_id');
    expect(balances).toEqual([
      { user_id: 'p1', balance_micros: '12' },
      { user_id: 'p2', balance_micros: '11' },
    ]);
    const letters = await db.query(
      'SELECT projection, event_id, stream_name, stream_revision, event_type, error, attempts FROM projection_dead_letters',
    );
    expect(letters).toEqual([
      {
        projection: 'credit-ledger',
        event_id: poison.id,
        stream_name: creditAccountStream('p1'),
        stream_revision: '1',
        event_type: 'CreditsGranted',
        error: expect.stringContaining('not-a-number'),
        attempts: 3,
      },
    ]);
    const statuses = await service.status();
    expect(
      statuses.map(({ name, state, lag_ms, dead_letters }) => ({ name, state, lag_ms, dead_letters })),
    ).toEqual([
      { name: 'credit-ledger', state: 'running', lag_ms: 0, dead_letters: 1 },
      { name: 'audit-log', state: 'running', lag_ms: 0, dead_letters: 0 },
    ]);

    await store.append(creditAccountStream('p2'), [grant('p2', '1')], 0n);
    await eventually(async () => {
      const [{ balance_micros }] = await db.query(
        `SELECT balance_micros FROM credit_balances WHERE user_id = 'p2'`,
      );
      expect(balance_micros).toBe('12');
    });

    await service.reset('credit-ledger');
    expect(await db.query('SELECT * FROM projection_dead_letters')).toEqual([]);
    await eventually(async () => {
      const [{ n }] = await db.query('SELECT count(*)::int AS n FROM projection_dead_letters');
      expect(n).toBe(1);
    }, 20_000);
  });

  it('never gives up on an event because the database failed: it retries until it applies', async () => {
    await store.append(creditAccountStream('t1'), [grant('t1', '3')], 'no_stream');
    const flaky = new UnavailableOnce(new CreditLedgerProjection(), 6);
    const service = projector([flaky]);
    service.start();
    await eventually(async () => {
      const [{ balance_micros }] = await db.query(
        `SELECT balance_micros FROM credit_balances WHERE user_id = 't1'`,
      );
      expect(balance_micros).toBe('3');
    }, 20_000);
    expect(flaky.failures).toBe(6);
    expect(await db.query('SELECT * FROM projection_dead_letters')).toEqual([]);
  });
});
