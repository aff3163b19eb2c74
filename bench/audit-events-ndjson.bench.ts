/**
 * Auditor export: 1,000,000 events streamed as NDJSON from GET /api/v1/audit/events by the API
 * process (started on its own, so its memory is its own), against the same log read as JSON pages.
 * Reports events/s and the server's peak resident memory (VmHWM) before and after the export.
 *
 *   DATABASE_URL=postgres://… npx ts-node --transpile-only -r tsconfig-paths/register bench/audit-events-ndjson.bench.ts
 */
import 'reflect-metadata';
import { signLocalToken } from '@ops/infra/auth';
import { openDatabase } from '@ops/infra/database/data-source';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/support/free-port';
import { createBenchDatabase } from './support/bench-database';
import { describeMachine, writeBenchmarksSection } from './support/benchmarks-file';
import { thousands } from './support/stats';

const COMMAND = 'npx ts-node --transpile-only -r tsconfig-paths/register bench/audit-events-ndjson.bench.ts';
const EVENTS = 1_000_000;
const SEED_CHUNK = 100_000;
const ACCOUNTS = 1_000;
const JSON_PAGED_EVENTS = 200_000;
const ISSUER = 'ops-center';
/** Far below the export's size: a server that kept what it streamed would run out of heap. */
const HEAP_CAP_MB = 192;

/** Bulk rows shaped like credit grants (the most common event), several actors, one stream per account. */
async function seed(url: string): Promise<void> {
  const db = await openDatabase(url);
  try {
    for (let start = 0; start < EVENTS; start += SEED_CHUNK) {
      await db.query(
        `INSERT INTO events (stream_name, revision, event_id, type, schema_version, data, metadata)
         SELECT 'credit-account-bench-' || (i % $3), i / $3, gen_random_uuid(), 'CreditsGranted', 1,
                jsonb_build_object('userId', 'bench-' || (i % $3), 'amountMicros', (1000 + i)::text, 'reason', 'benchmark grant'),
                jsonb_build_object('actor', 'admin-' || (i % 100), 'correlationId', gen_random_uuid(), 'causationId', null,
                                   'occurredAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                                   'source', 'bench')
           FROM generate_series($1::bigint, $2::bigint) AS i`,
        [start, start + SEED_CHUNK - 1, ACCOUNTS],
      );
    }
    await db.query('VACUUM ANALYZE events');
  } finally {
    await db.destroy();
  }
}

function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

async function startApi(env: Record<string, string>): Promise<ChildProcess> {
  const api = spawn(
    process.execPath,
    [
      `--max-old-space-size=${HEAP_CAP_MB}`,
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      'apps/api/src/main.ts',
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (api.exitCode !== null) throw new Error(`the API exited with ${api.exitCode}`);
    const status = await new Promise<number>((resolve) =>
      get(`http://127.0.0.1:${env.PORT}/health`, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      }).on('error', () => resolve(0)),
    );
    if (status > 0) return api;
    if (Date.now() > deadline) throw new Error('the API did not start within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Reads a response to its end, counting lines without keeping them: the client stays small too. */
function download(
  url: string,
  headers: Record<string, string>,
  onBytes?: (bytes: number) => void,
): Promise<{ lines: number; bytes: number; body?: string }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      if (response.statusCode !== 200) reject(new Error(`${url}: ${response.statusCode}`));
      let lines = 0;
      let bytes = 0;
      const keep = !headers.Accept?.includes('ndjson');
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        onBytes?.(bytes);
        if (keep) chunks.push(chunk);
        else for (let index = chunk.indexOf(10); index !== -1; index = chunk.indexOf(10, index + 1)) lines++;
      });
      response.on('end', () =>
        resolve({ lines, bytes, body: keep ? Buffer.concat(chunks).toString('utf8') : undefined }),
      );
      response.on('error', reject);
    }).on('error', reject);
  });
}

async function main(): Promise<void> {
  const database = await createBenchDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'ops-bench-audit-'));
  let api: ChildProcess | undefined;
  try {
    const seedStarted = Date.now();
    await seed(database.url);
    console.log(`seeded ${thousands(EVENTS)} events in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);

    const secret = randomBytes(32).toString('hex');
    const port = String(await freePort());
    api = await startApi({
      DATABASE_URL: database.url,
      PORT: port,
      JWT_SECRET: secret,
      JWT_ISSUER: ISSUER,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    });
    const token = signLocalToken(
      { sub: 'bench-auditor', roles: ['auditor'], ttlSeconds: 3_600 },
      { secret, issuer: ISSUER, audience: 'ops-center' },
    );
    const base = `http://127.0.0.1:${port}/api/v1/audit/events`;
    const auth = { Authorization: `Bearer ${token}` };
    await download(`${base}?limit=1000`, { ...auth, Accept: 'application/json' });
    const before = memoryOf(api.pid!);

    // RSS sampled through the export: flat after the first batches means memory does not follow the size.
    const samples: { bytes: number; rssMb: number }[] = [];
    let received = 0;
    const sampler = setInterval(
      () => samples.push({ bytes: received, rssMb: memoryOf(api!.pid!).rssMb }),
      250,
    );
    const ndjsonStarted = process.hrtime.bigint();
    const exported = await download(
      base,
      { ...auth, Accept: 'application/x-ndjson' },
      (bytes) => (received = bytes),
    );
    const ndjsonSeconds = Number(process.hrtime.bigint() - ndjsonStarted) / 1e9;
    clearInterval(sampler);
    const rssAt = (fraction: number) =>
      samples.find((sample) => sample.bytes >= fraction * exported.bytes)?.rssMb.toFixed(0) ?? '?';
    if (exported.lines !== EVENTS)
      throw new Error(`the export streamed ${exported.lines} of ${EVENTS} events`);
    const after = memoryOf(api.pid!);

    const filteredStarted = process.hrtime.bigint();
    const filtered = await download(`${base}?actor=admin-7`, { ...auth, Accept: 'application/x-ndjson' });
    const filteredSeconds = Number(process.hrtime.bigint() - filteredStarted) / 1e9;

    const pagedStarted = process.hrtime.bigint();
    let paged = 0;
    let cursor: string | null = null;
    while (paged < JSON_PAGED_EVENTS) {
      const page: { body?: string } = await download(
        `${base}?limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
        {
          ...auth,
          Accept: 'application/json',
        },
      );
      const parsed = JSON.parse(page.body ?? '{}') as { items: unknown[]; next_cursor: string | null };
      paged += parsed.items.length;
      cursor = parsed.next_cursor;
    }
    const pagedSeconds = Number(process.hrtime.bigint() - pagedStarted) / 1e9;
    const after2 = memoryOf(api.pid!);

    const rate = EVENTS / ndjsonSeconds;
    const pagedRate = paged / pagedSeconds;
    const rows = [
      `| NDJSON export of ${thousands(EVENTS)} events (${(exported.bytes / 1e6).toFixed(0)} MB) | ` +
        `${thousands(rate)} events/s (${ndjsonSeconds.toFixed(1)} s) |`,
      `| API peak RSS (VmHWM) before / after the export | ${before.peakMb.toFixed(0)} / ${after.peakMb.toFixed(0)} MB |`,
      `| API RSS at 10% / 50% / 90% of the export | ${rssAt(0.1)} / ${rssAt(0.5)} / ${rssAt(0.9)} MB |`,
      `| JSON pages of 1,000 (keyset cursor), first ${thousands(paged)} events | ${thousands(pagedRate)} events/s = ${(pagedRate / rate).toFixed(2)}x NDJSON; peak RSS after ${after2.peakMb.toFixed(0)} MB |`,
      `| NDJSON export filtered by actor (${thousands(filtered.lines)} of ${thousands(EVENTS)} match, no index on actor) | ` +
        `${filteredSeconds.toFixed(1)} s (${thousands(EVENTS / filteredSeconds)} events scanned/s) |`,
    ];
    const machine = await describeMachine(database.url);
    console.log(['', machine, ...rows].join('\n'));
    console.log(
      JSON.stringify({ benchmark: 'audit-events-ndjson', rate, before, after, pagedRate, filteredSeconds }),
    );
    await writeBenchmarksSection('Auditor export (NDJSON)', [
      '```sh',
      `DATABASE_URL=postgres://… ${COMMAND}`,
      '```',
      '',
      `${machine}.`,
      '',
      '| measurement | result |',
      '|---|---|',
      ...rows,
      '',
      `The API runs as its own process (\`apps/api/src/main.ts\`, no projector, V8 old space capped at ${HEAP_CAP_MB} MB) on a log of bulk-inserted ` +
        'credit grants; the client counts lines without keeping them. The export is one server-side ' +
        'cursor in a read-only snapshot, fetched 1,000 rows at a time and only as fast as the client ' +
        'takes them, so the server holds one batch whatever the size of the result: the export finishes ' +
        'under the heap cap, and what the RSS gains is garbage the collector lets build up to that cap. A read-only transaction takes no transaction id, so a long export ' +
        'does not hold back the projections.',
    ]);
  } finally {
    api?.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
