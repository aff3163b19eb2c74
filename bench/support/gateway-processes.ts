import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { freePort } from '../../test/support/free-port';

const UNLIMITED = {
  requests_per_minute: 1_000_000,
  tokens_per_minute: 1_000_000_000,
  concurrent_requests: 100_000,
};
const BENCH_RATE_LIMITS = JSON.stringify({ free: { user: UNLIMITED, key: UNLIMITED } });

const ROOT = join(__dirname, '..', '..');
const PRODUCT_ENTRY = 'dist/apps/api/src/single-node.main.js';
const API_ENTRY = 'dist/apps/api/src/main.js';
const PROJECTOR_ENTRY = 'dist/apps/projector/src/main.js';
const PORTKEY_ENTRY = 'node_modules/@portkey-ai/gateway/build/start-server.js';

/** A system under test, running in a process of its own. */
export interface ChildService {
  url: string;
  /** Where the projections' lag is reported, when not at `url` (the projector's own process). */
  projectorUrl?: string;
  stop(): Promise<void>;
}

interface Launched {
  child: ChildProcess;
  /** The tail of what the process printed, to explain a failed start. */
  output(): string;
}

/** Nothing from the caller's shell (a stray KAFKA_BROKERS or provider key) changes what is measured. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
}

function launch(args: string[], env: NodeJS.ProcessEnv): Launched {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => tail };
}

/** SIGTERM, then SIGKILL if the process has not exited in time (writing a CPU profile takes a moment). */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function answers(url: string, status: number): Promise<boolean> {
  try {
    const response = await request(url);
    await response.body.dump();
    return response.statusCode === status;
  } catch {
    return false;
  }
}

async function waitUntilReady(
  name: string,
  launched: Launched,
  ready: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!(await ready())) {
    if (launched.child.exitCode !== null || Date.now() > deadline) {
      await terminate(launched.child);
      throw new Error(`${name} did not start:\n${launched.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The fake OpenAI-compatible upstream (instant replies), in its own process. */
export async function startUpstream(): Promise<ChildService> {
  const launched = launch(
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      'bench/support/gateway-upstream-runner.ts',
    ],
    cleanEnv({}),
  );
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    launched.child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const line = buffered.split('\n').find((candidate) => candidate.startsWith('{"baseUrl"'));
      if (line) resolve((JSON.parse(line) as { baseUrl: string }).baseUrl);
    });
    launched.child.once('exit', () => reject(new Error(`the upstream did not start:\n${launched.output()}`)));
  });
  return { url: baseUrl, stop: () => terminate(launched.child) };
}

export interface OurGatewayOptions {
  databaseUrl: string;
  upstreamBaseUrl: string;
  jwtSecret: string;
  /** Run with `node --cpu-prof`, writing the profile here when the process exits. */
  cpuProfileDir?: string;
  /**
   * `single-node` (default): API and projector in one process, as `npm start` runs them.
   * `distributed`: the API and the projector as two processes, as `docker compose` runs them.
   */
  shape?: 'single-node' | 'distributed';
}

/** The product as `npm start` runs it (single node: API + projector in one process), from `dist/`. */
export async function startOurGateway(options: OurGatewayOptions): Promise<ChildService> {
  const distributed = options.shape === 'distributed';
  const entries = distributed ? [API_ENTRY, PROJECTOR_ENTRY] : [PRODUCT_ENTRY];
  for (const entry of entries) {
    if (!existsSync(join(ROOT, entry))) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'ops-gateway-bench-'));
  const profiling = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const children: Launched[] = [];
  let apiUrl = '';
  let projectorUrl = '';
  for (const entry of entries) {
    const port = await freePort();
    const launched = launch(
      [...(entry === PROJECTOR_ENTRY ? [] : profiling), '-r', 'tsconfig-paths/register', entry],
      cleanEnv({
        TS_NODE_BASEURL: './dist',
        DATABASE_URL: options.databaseUrl,
        DATA_DIR: dataDir,
        PORT: String(port),
        JWT_SECRET: options.jwtSecret,
        OPENAI_BASE_URL: options.upstreamBaseUrl,
        OPENAI_API_KEY: 'sk-bench-platform',
        LLM_HEALTH_PROBE_SECONDS: '0',
        // The benchmark measures the gateway's overhead and the hot account, not its rate limits.
        LLM_RATE_LIMITS: BENCH_RATE_LIMITS,
      }),
    );
    children.push(launched);
    const url = `http://127.0.0.1:${port}`;
    await waitUntilReady(entry === PROJECTOR_ENTRY ? 'our projector' : 'our gateway', launched, () =>
      answers(`${url}/health`, 200),
    );
    if (entry === PROJECTOR_ENTRY) projectorUrl = url;
    else apiUrl = url;
  }
  return {
    url: apiUrl,
    projectorUrl: projectorUrl || apiUrl,
    stop: async () => {
      for (const launched of children.reverse()) await terminate(launched.child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The Portkey open-source gateway (npm `@portkey-ai/gateway`), without its log UI. */
export async function startPortkey(): Promise<ChildService> {
  const port = await freePort();
  const launched = launch([PORTKEY_ENTRY, `--port=${port}`, '--headless'], cleanEnv({}));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady('Portkey', launched, () => answers(`${url}/`, 200));
  return { url, stop: () => terminate(launched.child) };
}
