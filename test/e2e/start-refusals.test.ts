import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLAIM_FILE } from '@ops/infra/runtime/data-dir-claim';
import { eventually } from '../support/app';
import { BUILD_TIMEOUT_MS, buildIfStale } from '../support/cli';
import { freePort } from '../support/free-port';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { spawnSingleNode, type SingleNodeProcess } from '../support/single-node-process';

/** A second `npm start` where one already runs: one line saying what is in use, and exit code 1. */
describe('starting where another node already runs', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ops-in-use-'));
  const otherDataDir = mkdtempSync(join(tmpdir(), 'ops-in-use-other-'));
  let env: NodeJS.ProcessEnv;
  let first: SingleNodeProcess;
  let port: number;
  let postgresPort: number;
  let database: TestDatabase | undefined;

  beforeAll(async () => {
    await buildIfStale();
    // Started as root, the embedded cluster runs as `postgres`, which must reach the data folder.
    chmodSync(dataDir, 0o755);
    chmodSync(otherDataDir, 0o755);
    port = await freePort();
    postgresPort = await freePort();
    env = {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      EMBEDDED_POSTGRES_PORT: String(postgresPort),
      JWT_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'info',
    };
    delete env.DATABASE_URL;
    delete env.KAFKA_BROKERS;
    first = spawnSingleNode(env);
    await eventually(async () => {
      if (first.child.exitCode !== null) throw new Error(`the first node exited:\n${first.stderr}`);
      const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) });
      expect(response.status).toBe(200);
    }, 150_000);
  }, BUILD_TIMEOUT_MS + 180_000);

  afterAll(async () => {
    if (first.child.exitCode === null) {
      first.child.kill('SIGTERM');
      await first.exited;
    }
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(otherDataDir, { recursive: true, force: true });
  }, 60_000);

  it("says what it runs with in one summary line, Nest's boot lines only at debug", async () => {
    await eventually(async () => expect(first.stdout).toContain('"msg":"ready; listening: '));
    const summary = first.stdout.split('\n').find((line) => line.includes('"msg":"ready; '))!;
    expect(JSON.parse(summary).msg).toBe(
      `ready; listening: http://localhost:${port}; database: embedded PostgreSQL at ${dataDir}/postgres, port ${postgresPort}; ` +
        'event store: PostgreSQL (the same database); llm providers: none (users may still bring their own keys); ' +
        `stripe: off; lago: off; kafka: off; api docs: http://localhost:${port}/docs; data dir: ${dataDir}`,
    );
    for (const bootLine of [
      'dependencies initialized',
      'Mapped {',
      'RoutesResolver',
      'Starting Nest application',
    ]) {
      expect(first.stdout).not.toContain(bootLine);
    }
  });

  it('refuses a second node on the same DATA_DIR in one line, exit code 1, and leaves the first running', async () => {
    const second = spawnSingleNode(env);
    expect(await second.exited).toBe(1);
    expect(second.stderr).toBe(
      `ops-center: DATA_DIR ${dataDir} is in use by another ops-center (pid ${first.child.pid}); stop it or set DATA_DIR\n`,
    );
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  }, 90_000);

  it('refuses an embedded PostgreSQL port in use in one line', async () => {
    const second = spawnSingleNode({ ...env, DATA_DIR: otherDataDir, PORT: String(await freePort()) });
    expect(await second.exited).toBe(1);
    expect(second.stderr).toBe(
      `ops-center: EMBEDDED_POSTGRES_PORT ${postgresPort} is in use by another program (another ops-center on another DATA_DIR, or a PostgreSQL); stop it or set EMBEDDED_POSTGRES_PORT\n`,
    );
  }, 90_000);

  it('refuses an HTTP port in use in one line', async () => {
    database = await createTestDatabase();
    const second = spawnSingleNode({
      ...env,
      DATA_DIR: otherDataDir,
      DATABASE_URL: database.url,
      LOG_LEVEL: 'warn',
    });
    expect(await second.exited).toBe(1);
    expect(second.stderr).toBe(
      `ops-center: PORT ${port} is in use by another program; stop it or set PORT\n`,
    );
    expect(existsSync(join(otherDataDir, CLAIM_FILE))).toBe(false);
  }, 120_000);

  it('releases DATA_DIR when it stops', async () => {
    expect(existsSync(join(dataDir, CLAIM_FILE))).toBe(true);
    first.child.kill('SIGTERM');
    await first.exited;
    expect(existsSync(join(dataDir, CLAIM_FILE))).toBe(false);
  }, 60_000);
});

describe('starting on a DATA_DIR the embedded PostgreSQL cannot reach', () => {
  // Only a start as root runs the cluster as another user (postgres), who cannot enter a folder of mode 700.
  const asRoot = process.getuid?.() === 0;

  (asRoot ? it : it.skip)(
    'refuses in one line, exit code 1, saying which folder and what to do',
    async () => {
      await buildIfStale();
      const dataDir = mkdtempSync(join(tmpdir(), 'ops-unreachable-'));
      try {
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          PORT: String(await freePort()),
          DATA_DIR: dataDir,
          EMBEDDED_POSTGRES_PORT: String(await freePort()),
          JWT_SECRET: randomBytes(32).toString('hex'),
        };
        delete env.DATABASE_URL;
        delete env.KAFKA_BROKERS;
        const node = spawnSingleNode(env);
        expect(await node.exited).toBe(1);
        expect(node.stderr).toMatch(
          new RegExp(
            `^ops-center: embedded PostgreSQL could not create its cluster in ${dataDir}/postgres/cluster \\(.*\\); ` +
              '.*postgres user, which must be able to reach DATA_DIR .*: fix the permissions or set DATA_DIR\\n$',
          ),
        );
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    BUILD_TIMEOUT_MS + 120_000,
  );
});
