import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_FILE, type RunningNode } from '@ops/infra/runtime/node-discovery';
import { portAnswers } from '@ops/infra/runtime/port-answers';
import { eventually } from '../support/app';
import { BUILD_TIMEOUT_MS, buildIfStale, ROOT, runCli } from '../support/cli';
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
  let child: ChildProcess;
  let output = '';
  let port: number;
  let postgresPort: number;

  beforeAll(async () => {
    // As a second start finds it: dist/ already built from these sources.
    await buildIfStale();
    // Started as root, the embedded cluster runs as `postgres`, which must reach the data folder.
    chmodSync(dataDir, 0o755);
    port = await freePort();
    postgresPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      EMBEDDED_POSTGRES_PORT: String(postgresPort),
      LOG_LEVEL: 'warn',
    };
    // The server makes its own JWT secret in DATA_DIR, which `npm run token` must then find.
    delete env.JWT_SECRET;
    delete env.DATABASE_URL;
    delete env.KAFKA_BROKERS;
    child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true });
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    // Its group may be gone already though the exit is not reported yet (ESRCH): nothing left to stop.
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves /health once ready without compiling again, and the CLIs find it through DATA_DIR alone', async () => {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
      const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) });
      expect(response.status).toBe(200);
    }, 150_000);
    expect(output).not.toContain('Compiling the sources');

    const node = JSON.parse(readFileSync(join(dataDir, NODE_FILE), 'utf8')) as RunningNode;
    expect(node).toMatchObject({
      port,
      url: `http://127.0.0.1:${port}`,
      database: { kind: 'embedded', port: postgresPort },
    });
    expect(() => process.kill(node.pid, 0)).not.toThrow();

    // Nothing but the folder: the token CLI finds the server's secret, the others its database's port.
    const minted = await runCli('token', ['--sub', 'starter', '--role', 'admin', '--data-dir', dataDir]);
    expect(minted).toMatchObject({ code: 0, stderr: '' });
    const token = minted.stdout.trimEnd().split('\n').at(-1)!;
    const granted = await fetch(`http://127.0.0.1:${port}/api/v1/llm/credits/grant`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: 'first-user', amount_micros: '1000000', reason: 'smoke' }),
    });
    expect(granted.status).toBe(201);

    const status = await runCli('projector', ['status'], { DATA_DIR: dataDir });
    expect(status).toMatchObject({ code: 0, stderr: '' });
    const projections = JSON.parse(status.stdout) as Record<string, unknown>[];
    expect(projections.map((projection) => projection.name)).toEqual(
      expect.arrayContaining(['credit-ledger', 'audit-log', 'local-users', 'host-commands']),
    );
    const server = `the server (pid ${node.pid}, http://127.0.0.1:${port})`;
    for (const projection of projections) {
      expect(projection).toMatchObject({ state: 'running', run_by: server, lag_ms: expect.any(Number) });
    }

    const rebuilt = await runCli('projector', ['rebuild', 'audit-log'], { DATA_DIR: dataDir });
    expect(rebuilt).toMatchObject({ code: 0, stderr: '' });
    const lines = rebuilt.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      `audit-log: emptied; ${server} replays it from the first event; following its progress`,
    );
    expect(lines.at(-1)).toMatch(/^audit-log: rebuilt in \d+\.\d s$/);
    expect(rebuilt.stdout).not.toContain(' 0 events applied');
    expect(await portAnswers(postgresPort)).toBe(true);

    process.kill(-child.pid!, 'SIGTERM');
    await exited(child);
    await eventually(async () => expect(await portAnswers(postgresPort)).toBe(false), 20_000);
    // npm may be gone before the node it started has finished shutting down: the file goes at its exit.
    await eventually(async () => expect(alive(node.pid)).toBe(false), 20_000);
    expect(existsSync(join(dataDir, NODE_FILE))).toBe(false);
    expect(output).not.toContain(token);
  }, 240_000);
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
