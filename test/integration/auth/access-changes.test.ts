import { AccessChanges } from '@ops/infra/auth/access-changes';
import type { DatabaseConfig } from '@ops/infra/database/database-config';
import { ProjectionProgress } from '@ops/infra/projections/projection-progress';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import { eventually } from '../../support/app';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';

/**
 * The signal the access caches trust (see AccessChanges): it must say "not listening" whenever a
 * change could go unheard, including when its connection dies without a word.
 */
describe('AccessChanges, the listener the access caches trust', () => {
  let database: TestDatabase;
  let admin: Client;
  let changes: AccessChanges;

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = new Client({ connectionString: database.url });
    await admin.connect();
    changes = new AccessChanges({ DATABASE_URL: database.url } as DatabaseConfig);
    changes.onModuleInit();
    await eventually(async () => expect(changes.version()).not.toBeNull());
  });
  afterAll(async () => {
    await changes?.onModuleDestroy();
    await admin?.end();
    await database?.drop();
  });

  /** The listener's backend: the session of this database that is neither ours nor idle in a query of its own. */
  function listenerPid(): Promise<number> {
    // Eventually: a session closed by an earlier test may linger in the list for a moment.
    return eventually(async () => {
      const { rows } = await admin.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
      );
      expect(rows).toHaveLength(1);
      return rows[0].pid;
    }, 3_000);
  }

  it('moves on at a notification from any session', async () => {
    const before = changes.version();
    await admin.query("SELECT pg_notify('ops_access_changes', '')");
    await eventually(async () => expect(changes.version()).not.toBe(before), 2_000);
  });

  it("moves on in this process once the announcing transaction has ended, not at another's commit before", async () => {
    const progress = new ProjectionProgress();
    const local = new AccessChanges({ DATABASE_URL: database.url } as DatabaseConfig, progress);
    local.onModuleInit();
    try {
      await eventually(async () => expect(local.version()).not.toBeNull());
      const runner = { isTransactionActive: true, isReleased: false };
      // A transaction that announces without notifying, so only this process's own path can tell.
      await local.announce({
        queryRunner: runner,
        query: () => Promise.resolve(),
      } as unknown as EntityManager);
      const before = local.version();
      progress.advanced();
      expect(local.version()).toBe(before);
      runner.isTransactionActive = false;
      progress.advanced();
      expect(local.version()).not.toBe(before);
    } finally {
      await local.onModuleDestroy();
    }
  });

  it('stops vouching when its connection is cut, and listens again', async () => {
    await admin.query('SELECT pg_terminate_backend($1)', [await listenerPid()]);
    await eventually(async () => expect(changes.version()).toBeNull(), 2_000);
    await eventually(async () => expect(changes.version()).not.toBeNull(), 5_000);
  });

  it('stops vouching when its connection goes silent (a backend that answers nothing)', async () => {
    // Attack: a half-open connection raises no error; answers kept meanwhile would outlive a revocation.
    const pid = await listenerPid();
    process.kill(pid, 'SIGSTOP');
    try {
      await eventually(async () => expect(changes.version()).toBeNull(), 10_000);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await eventually(async () => expect(changes.version()).not.toBeNull(), 5_000);
  }, 20_000);
});
