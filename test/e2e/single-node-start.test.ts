import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { signLocalToken } from '@ops/infra/auth';
import { portAnswers } from '@ops/infra/runtime/port-answers';
import { eventually } from '../support/app';
import { freePort } from '../support/free-port';

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((done) => {
    if (child.exitCode !== null) done(child.exitCode);
    else child.once('exit', (code) => done(code));
  });
}

/** The README's first command, as a user runs it: `npm start` with nothing but a data folder. */
describe('npm start (single node, embedded PostgreSQL)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ops-start-'));
  const secret = randomBytes(32).toString('hex');
  let child: ChildProcess;
  let output = '';
  let port: number;
  let postgresPort: number;

  beforeAll(async () => {
    // Started as root, the embedded cluster runs as `postgres`, which must reach the data folder.
    chmodSync(dataDir, 0o755);
    port = await freePort();
    postgresPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      EMBEDDED_POSTGRES_PORT: String(postgresPort),
      JWT_SECRET: secret,
      LOG_LEVEL: 'warn',
    };
    delete env.DATABASE_URL;
    delete env.KAFKA_BROKERS;
    child = spawn('npm', ['start'], { cwd: resolve(__dirname, '..', '..'), env, detached: true });
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
  });

  afterAll(async () => {
    if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves /health once ready, grants credits, and stops its database on SIGTERM', async () => {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
      const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) });
      expect(response.status).toBe(200);
    }, 150_000);
    const token = signLocalToken(
      { sub: 'starter', roles: ['admin'], ttlSeconds: 60 },
      { secret, issuer: 'ops-center', audience: 'ops-center' },
    );
    const granted = await fetch(`http://127.0.0.1:${port}/api/v1/llm/credits/grant`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: 'first-user', amount_micros: '1000000', reason: 'smoke' }),
    });
    expect(granted.status).toBe(201);
    expect(await portAnswers(postgresPort)).toBe(true);

    process.kill(-child.pid!, 'SIGTERM');
    await exited(child);
    await eventually(async () => expect(await portAnswers(postgresPort)).toBe(false), 20_000);
    expect(output).not.toContain(token);
  }, 240_000);
});
