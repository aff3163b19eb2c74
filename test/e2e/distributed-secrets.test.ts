import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../support/free-port';
import { spawnHostAgent } from '../support/host-agent-process';

const REPO = resolve(__dirname, '..', '..');
/** The compose file's former default: anyone who read it could open every sealed password hash. */
const ALL_ZERO_KEY = 'compose-1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
const EXIT_TIMEOUT_MS = 60_000;

interface Ended {
  code: number | null;
  output: string;
}

/** Resolves when the process ends; a process still running after the timeout fails the test. */
function ending(child: ChildProcess, output: () => string): Promise<Ended> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(
        new Error(`still running after ${EXIT_TIMEOUT_MS / 1000} s: it started with the key\n${output()}`),
      );
    }, EXIT_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, output: output() });
    });
  });
}

/** Issue 10: outside single-node mode, a placeholder secret stops the start instead of sealing with it. */
describe('distributed entry points refuse placeholder secrets', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ops-distributed-'));

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('the API (apps/api/src/main.ts) exits with code 2 on an all-zero SECRETS_KEYS key', async () => {
    let output = '';
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/api/src/main.ts'],
      {
        cwd: REPO,
        env: {
          ...process.env,
          // Nothing listens there: should the check ever be skipped, the API fails rather than migrate a real database.
          DATABASE_URL: 'postgres://ops@127.0.0.1:9/none',
          PORT: String(await freePort()),
          DATA_DIR: dataDir,
          SECRETS_KEYS: ALL_ZERO_KEY,
          JWT_SECRET: randomBytes(32).toString('hex'),
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    const ended = await ending(child, () => output);
    expect(ended.code).toBe(2);
    expect(ended.output).toContain('SECRETS_KEYS: key compose-1 is a placeholder');
    expect(ended.output).not.toContain('AAAAAAAAAAAAAAAA');
  }, 90_000);

  it('the host agent (apps/host-agent/src/main.ts) exits with code 2 on an all-zero SECRETS_KEYS key', async () => {
    let output = '';
    const child = spawnHostAgent(
      {
        KAFKA_BROKERS: '127.0.0.1:9',
        HOST_ID: 'placeholder-host',
        DATA_DIR: dataDir,
        SECRETS_KEYS: ALL_ZERO_KEY,
      },
      (line) => (output += `${line}\n`),
    );
    const ended = await ending(child, () => output);
    expect(ended.code).toBe(2);
    expect(ended.output).toContain('SECRETS_KEYS: key compose-1 is a placeholder');
  }, 90_000);
});
