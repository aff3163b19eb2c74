/**
 * Append throughput of the PostgreSQL event store, against pgbench in the same run.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *     npx ts-node --transpile-only -r tsconfig-paths/register bench/event-store-append.bench.ts
 *
 * Creates a fresh database (dropped at the end), measures (1) pgbench's one-row INSERT with 16
 * clients, run before and after (2) so that drift on a shared machine shows, (2) single-event appends
 * from 16 concurrent writers over 1,000 streams, (3) 100-event appends, next to pgbench inserting
 * the same 100 rows straight into a table shaped like `events` (what the disk and CPU allow at all),
 * (4) the latency of one append at a time, each at its stream's expected revision as a command
 * appends, next to pgbench's one-row INSERT from one client (the floor of a durable write);
 * then prints a table and a JSON line and rewrites the "## Event store appends" section of
 * BENCHMARKS.md.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../libs/infra/src/database/migrations';
import { PostgresEventStore } from '../libs/infra/src/event-store/postgres';
import { createBenchDatabase } from './support/bench-database';
import { describeMachine, writeBenchmarksSection } from './support/benchmarks-file';
import { creditGrantedEvent } from './support/events';
import { percentile } from './support/stats';

const run = promisify(execFile);

const PGBENCH_SECONDS = 10;
const WRITERS = 16;
const STREAMS = 1_000;
const SINGLE_SECONDS = 10;
const BATCH_WRITERS = 4;
const BATCH_SIZE = 100;
const BATCH_SECONDS = 8;
const RAW_INSERT_SECONDS = 6;
const ALONE_SECONDS = 5;
const WARM_UP_MS = 1_000;
/** The store's default, spelled out so the report says what ran. */
const APPEND_TRANSACTIONS = 2;
const SINGLE_TARGET_RATIO = 0.5;
const BATCH_TARGET_EVENTS_PER_SECOND = 100_000;
const COMMAND = 'npx ts-node --transpile-only -r tsconfig-paths/register bench/event-store-append.bench.ts';

interface LoadResult {
  operations: number;
  events: number;
  seconds: number;
  latenciesMs: number[];
}

interface Figures {
  pgbenchTps: { before: number; after: number; mean: number };
  singleAppendsPerSecond: number;
  singleRatio: number;
  singleP50Ms: number;
  singleP99Ms: number;
  batchEventsPerSecond: number;
  batchAppendsPerSecond: number;
  batchP99Ms: number;
  rawInsertRowsPerSecond: number;
  batchToRawRatio: number;
  aloneP50Ms: number;
  aloneP99Ms: number;
  pgbenchAloneMs: number;
}

async function main(): Promise<void> {
  const database = await createBenchDatabase();
  const workDir = await mkdtemp(join(tmpdir(), 'event-store-bench-'));
  try {
    await migrate(database.url);
    const pgbench = await preparePgbench(database.url, workDir);
    const before = await pgbench.oneRow();
    const single = await measureSingleAppends(database.url);
    const after = await pgbench.oneRow();
    const rawInsertRowsPerSecond = await pgbench.hundredEventRows();
    const batch = await measureBatchAppends(database.url);
    const alone = await measureAppendsAlone(database.url);
    const pgbenchAloneMs = await pgbench.oneRowAlone();
    const mean = (before + after) / 2;
    const figures: Figures = {
      pgbenchTps: { before, after, mean },
      singleAppendsPerSecond: single.operations / single.seconds,
      singleRatio: single.operations / single.seconds / mean,
      singleP50Ms: percentile(single.latenciesMs, 0.5),
      singleP99Ms: percentile(single.latenciesMs, 0.99),
      batchEventsPerSecond: batch.events / batch.seconds,
      batchAppendsPerSecond: batch.operations / batch.seconds,
      batchP99Ms: percentile(batch.latenciesMs, 0.99),
      rawInsertRowsPerSecond,
      batchToRawRatio: batch.events / batch.seconds / rawInsertRowsPerSecond,
      aloneP50Ms: percentile(alone.latenciesMs, 0.5),
      aloneP99Ms: percentile(alone.latenciesMs, 0.99),
      pgbenchAloneMs,
    };
    const machine = await describeBenchMachine(database.url);
    report(figures, machine);
    await writeSection(figures, machine);
  } finally {
    await rm(workDir, { recursive: true, force: true });
    await database.drop();
  }
}

async function migrate(url: string): Promise<void> {
  const dataSource = new DataSource({ type: 'postgres', url, migrations: MIGRATIONS });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
    await dataSource.query('CREATE TABLE pgbench_rows (id bigserial PRIMARY KEY, v integer NOT NULL)');
    await dataSource.query('CREATE TABLE raw_events (LIKE events INCLUDING ALL)');
  } finally {
    await dataSource.destroy();
  }
}

interface Pgbench {
  /** The baseline: one-row INSERTs into a small table, 16 clients; answers transactions/s. */
  oneRow(): Promise<number>;
  /** 100 event rows per INSERT into a copy of `events` (same indexes), 4 clients; answers rows/s. */
  hundredEventRows(): Promise<number>;
  /** The one-row INSERT from a single client; answers its average latency in ms. */
  oneRowAlone(): Promise<number>;
}

async function preparePgbench(url: string, workDir: string): Promise<Pgbench> {
  const oneRow = join(workDir, 'insert-one-row.sql');
  await writeFile(oneRow, 'INSERT INTO pgbench_rows (v) VALUES (1);\n');
  const hundredRows = join(workDir, 'insert-hundred-event-rows.sql');
  const event = creditGrantedEvent('user-123', 1_000_000);
  await writeFile(
    hundredRows,
    'INSERT INTO raw_events (stream_name, revision, event_id, type, schema_version, data, metadata) ' +
      `SELECT 'raw-' || gen_random_uuid(), g, gen_random_uuid(), 'CreditsGranted', 1, ` +
      `'${JSON.stringify(event.data)}', '${JSON.stringify(event.metadata)}' FROM generate_series(0, 99) AS g;\n`,
  );
  const pgbench = async (script: string, clients: number, seconds: number): Promise<string> => {
    const { stdout } = await run('pgbench', [
      '-n',
      '-c',
      String(clients),
      '-j',
      '2',
      '-T',
      String(seconds),
      '-f',
      script,
      url,
    ]);
    return stdout;
  };
  const figure = (stdout: string, pattern: RegExp): number => {
    const match = pattern.exec(stdout);
    if (!match) throw new Error(`No ${pattern.source} in pgbench's output:\n${stdout}`);
    return Number(match[1]);
  };
  const tps = async (script: string, clients: number, seconds: number): Promise<number> =>
    figure(await pgbench(script, clients, seconds), /tps = ([\d.]+)/);
  return {
    oneRow: () => tps(oneRow, WRITERS, PGBENCH_SECONDS),
    hundredEventRows: async () => (await tps(hundredRows, BATCH_WRITERS, RAW_INSERT_SECONDS)) * BATCH_SIZE,
    oneRowAlone: async () => figure(await pgbench(oneRow, 1, ALONE_SECONDS), /latency average = ([\d.]+) ms/),
  };
}

async function measureSingleAppends(url: string): Promise<LoadResult> {
  const store = new PostgresEventStore(url, { maxConcurrentAppends: APPEND_TRANSACTIONS });
  try {
    const append = (): Promise<unknown> =>
      store.append(randomStream(), [creditGrantedEvent('user-123', 1_000_000)], 'any');
    await load(WRITERS, WARM_UP_MS, append);
    return await load(WRITERS, SINGLE_SECONDS * 1_000, append);
  } finally {
    await store.close();
  }
}

async function measureBatchAppends(url: string): Promise<LoadResult> {
  const store = new PostgresEventStore(url, { maxConcurrentAppends: APPEND_TRANSACTIONS });
  try {
    const append = (): Promise<unknown> =>
      store.append(
        randomStream(),
        Array.from({ length: BATCH_SIZE }, () => creditGrantedEvent('user-123', 1_000_000)),
        'any',
      );
    await load(BATCH_WRITERS, WARM_UP_MS, append);
    const result = await load(BATCH_WRITERS, BATCH_SECONDS * 1_000, append);
    return { ...result, events: result.operations * BATCH_SIZE };
  } finally {
    await store.close();
  }
}

/** One writer, one append at a time, each expecting its stream's revision as a command would. */
async function measureAppendsAlone(url: string): Promise<LoadResult> {
  const store = new PostgresEventStore(url);
  const revisions = new Map<string, bigint>();
  try {
    const append = async (): Promise<void> => {
      const stream = randomStream();
      const result = await store.append(
        stream,
        [creditGrantedEvent('user-123', 1_000_000)],
        revisions.get(stream) ?? 'any',
      );
      revisions.set(stream, result.nextRevision);
    };
    await load(1, WARM_UP_MS, append);
    return await load(1, ALONE_SECONDS * 1_000, append);
  } finally {
    await store.close();
  }
}

/** `writers` loops calling `operation` back to back until the time is up. */
async function load(
  writers: number,
  durationMs: number,
  operation: () => Promise<unknown>,
): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  const writer = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const begun = performance.now();
      await operation();
      latenciesMs.push(performance.now() - begun);
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  const seconds = (performance.now() - started) / 1_000;
  return { operations: latenciesMs.length, events: latenciesMs.length, seconds, latenciesMs };
}

function randomStream(): string {
  return `credit-account-${Math.floor(Math.random() * STREAMS)}`;
}

interface Machine {
  /** The shared one-line description of the machine and server. */
  line: string;
  pgbench: string;
}

async function describeBenchMachine(url: string): Promise<Machine> {
  const { stdout } = await run('pgbench', ['--version']);
  return { line: await describeMachine(url), pgbench: /\d+(\.\d+)+/.exec(stdout)?.[0] ?? stdout.trim() };
}

function rows(figures: Figures): Array<[string, string, string]> {
  const n = (value: number): string => Math.round(value).toLocaleString('en-US');
  const ms = (value: number): string => value.toFixed(1);
  const ms2 = (value: number): string => value.toFixed(2);
  const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');
  const { pgbenchTps: tps } = figures;
  return [
    [
      'pgbench one-row INSERT, 16 clients (before / after)',
      `${n(tps.before)} / ${n(tps.after)} tps (mean ${n(tps.mean)})`,
      'baseline',
    ],
    [
      `single-event appends, ${WRITERS} writers, ${n(STREAMS)} streams`,
      `${n(figures.singleAppendsPerSecond)} appends/s = ${figures.singleRatio.toFixed(2)}x pgbench ` +
        `(p50 ${ms(figures.singleP50Ms)} ms, p99 ${ms(figures.singleP99Ms)} ms)`,
      `>= ${SINGLE_TARGET_RATIO}x: ${verdict(figures.singleRatio >= SINGLE_TARGET_RATIO)}`,
    ],
    [
      `${BATCH_SIZE}-event appends, ${BATCH_WRITERS} writers`,
      `${n(figures.batchEventsPerSecond)} events/s (${n(figures.batchAppendsPerSecond)} appends/s, ` +
        `p99 ${ms(figures.batchP99Ms)} ms)`,
      `>= ${n(BATCH_TARGET_EVENTS_PER_SECOND)}/s: ${verdict(figures.batchEventsPerSecond >= BATCH_TARGET_EVENTS_PER_SECOND)}`,
    ],
    [
      `pgbench: the same ${BATCH_SIZE} rows per INSERT into a copy of events, ${BATCH_WRITERS} clients`,
      `${n(figures.rawInsertRowsPerSecond)} rows/s (appends reach ${figures.batchToRawRatio.toFixed(2)}x of it)`,
      'ceiling',
    ],
    [
      'single-event appends one at a time, 1 writer',
      `p50 ${ms2(figures.aloneP50Ms)} ms, p99 ${ms2(figures.aloneP99Ms)} ms ` +
        `(pgbench one-row INSERT, 1 client: ${ms2(figures.pgbenchAloneMs)} ms average)`,
      'floor: pgbench',
    ],
  ];
}

function report(figures: Figures, machine: Machine): void {
  console.log(`\nEvent store appends — ${machine.line}\n`);
  for (const [what, result, target] of rows(figures))
    console.log(`${what.padEnd(56)} ${result.padEnd(70)} ${target}`);
  console.log(`\n${JSON.stringify({ benchmark: 'event-store-append', ...machine, ...figures })}`);
}

async function writeSection(figures: Figures, machine: Machine): Promise<void> {
  const table = rows(figures).map(([what, result, target]) => `| ${what} | ${result} | ${target} |`);
  await writeBenchmarksSection('Event store appends', [
    '```sh',
    `DATABASE_URL=postgres://… ${COMMAND}`,
    '```',
    '',
    `${machine.line} · pgbench ${machine.pgbench} · fresh database.`,
    '',
    '| measurement | result | target |',
    '|---|---|---|',
    ...table,
    '',
    'pgbench runs right before and right after the single-event appends on the same database; the ratio ' +
      'uses the mean. Appends go through `PostgresEventStore` (one `append_events` call per transaction); ' +
      `appends that arrive while ${APPEND_TRANSACTIONS} append transactions are in flight share the next one ` +
      '(group commit), ' +
      'each keeping its own expected-revision check and result. The last row inserts the same rows with ' +
      'no event-store logic at all: the most this table (three unique indexes) takes on this machine. ' +
      'The machine is shared, so absolute figures drift between runs; the ratios are what compare.',
    '',
  ]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
