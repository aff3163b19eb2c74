import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CREDIT_ACCOUNT_SCHEMA_VERSIONS, creditAccountDecider, creditAccountStream } from '@ops/domain';
import { openDatabase } from '@ops/infra/database/data-source';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import { PostgresEventStore } from '@ops/infra/event-store/postgres';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { projectionLockKey } from '../../../apps/projector/src/runtime/projection-locks';
import { eventually } from '../../support/app';
import { BUILD_TIMEOUT_MS, buildIfStale, CLIS, ROOT, runCli } from '../../support/cli';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';

const OTHER = 'ops-center:4242@elsewhere';

/** `npm run projector` against a database no server runs on, and one where another process holds a projection. */
describe('npm run projector', () => {
  let database: TestDatabase;
  let db: DataSource;
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    await buildIfStale();
    database = await createTestDatabase();
    db = await openDatabase(database.url);
    dataDir = mkdtempSync(join(tmpdir(), 'ops-projector-cli-'));
    env = { DATABASE_URL: database.url, DATA_DIR: dataDir };
    const store = new PostgresEventStore(database.url);
    const runner = new CommandRunner(store);
    for (const amount of [1n, 2n, 3n]) {
      await runner.run({
        streamName: creditAccountStream('bob'),
        decider: creditAccountDecider,
        command: { type: 'GrantCredits', userId: 'bob', amountMicros: amount, reason: 'test' },
        context: { actor: 'admin', correlationId: 'c', causationId: null, source: 'test' },
        schemaVersions: CREDIT_ACCOUNT_SCHEMA_VERSIONS,
      });
    }
    await store.close();
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('status lists every projection and relay, none run, in snake_case; it runs nothing itself', async () => {
    const status = await runCli('projector', ['status'], env);
    expect(status).toMatchObject({ code: 0, stderr: '' });
    const projections = JSON.parse(status.stdout) as Record<string, unknown>[];
    expect(projections.map((projection) => projection.name)).toEqual(
      expect.arrayContaining(['credit-ledger', 'audit-log', 'local-users', 'usage', 'host-commands']),
    );
    for (const projection of projections) {
      expect(Object.keys(projection)).toEqual([
        'name',
        'state',
        'run_by',
        'position',
        'lag_ms',
        'dead_letters',
      ]);
      expect(projection).toMatchObject({ state: 'stopped', run_by: null, position: '' });
    }
    expect(projections.find((projection) => projection.name === 'credit-ledger')?.lag_ms).toBeGreaterThan(0);
    expect(await db.query('SELECT * FROM credit_balances')).toEqual([]);
  });

  it('rebuild replays in this CLI when no process runs the projection', async () => {
    const run = await runCli('projector', ['rebuild', 'credit-ledger'], env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'credit-ledger: emptied; no process runs it, so this CLI replays it from the first event',
    );
    expect(lines.at(-1)).toMatch(/^credit-ledger: rebuilt in \d+\.\d s$/);
    expect(await db.query('SELECT balance_micros FROM credit_balances')).toEqual([{ balance_micros: '6' }]);
  });

  it('rebuild against a projection another process holds follows it, and takes over when that process goes', async () => {
    const other = new Client({ connectionString: database.url, application_name: OTHER });
    await other.connect();
    await other.query('SELECT pg_advisory_lock(hashtext($1))', [projectionLockKey('audit-log')]);

    const status = JSON.parse((await runCli('projector', ['status'], env)).stdout) as Record<
      string,
      unknown
    >[];
    expect(status.find((projection) => projection.name === 'audit-log')).toMatchObject({
      state: 'running',
      run_by: `another process (${OTHER})`,
    });

    let stdout = '';
    const rebuild = spawn(
      process.execPath,
      ['-r', 'tsconfig-paths/register', join('dist', CLIS.projector), 'rebuild', 'audit-log'],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', TS_NODE_BASEURL: './dist', ...env } },
    );
    rebuild.stdout.on('data', (chunk) => (stdout += chunk));
    const exited = new Promise<number | null>((done) => rebuild.once('exit', done));
    await eventually(async () =>
      expect(stdout).toContain(
        `audit-log: emptied; another process (${OTHER}) replays it from the first event; following its progress`,
      ),
    );
    // The process that held it dies without replaying: the CLI's own worker takes over.
    await other.end();
    expect(await exited).toBe(0);
    expect(stdout.trimEnd().split('\n').at(-1)).toMatch(/^audit-log: rebuilt in \d+\.\d s$/);
    expect(stdout).not.toContain(' 0 events applied');
    const [{ rows }] = await db.query('SELECT count(*)::int AS rows FROM audit_log');
    expect(rows).toBe(3);
  }, 60_000);
});
