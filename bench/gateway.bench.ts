/**
 * Gateway overhead, side by side on one local upstream that answers instantly (the fake
 * OpenAI-compatible server), each system in its own process:
 *  - direct: the load generator calls the upstream itself;
 *  - ours: the single-node product from `dist/` (API + projector), every request's events stored
 *    with the database's durability settings left alone, logging at its default level;
 *  - Portkey: the open-source gateway (npm `@portkey-ai/gateway`) sent to the same upstream with its
 *    custom-host header.
 * Measured in one run:
 *  1. sequential requests, one after another (p50, p99; added = the system's minus direct's);
 *  2. database work per request (ours): `pg_stat_database` commits and tuples over sequential
 *     requests, projections settled before and after, the idle node's commits per second, and each
 *     table's growth per request (`pg_total_relation_size`);
 *  3. streaming: time to the first byte of a streamed reply, sequential;
 *  4. contention: the sequential latency again while another process keeps one core busy;
 *  5. latency, open loop: 4 s at a light 25 RPS, then 300 RPS for 20 s after 3 s of warm-up; a
 *     system that falls 2 s of requests behind stops there, reported as not sustaining the rate;
 *  6. max sustained RPS: closed loop at 16, 32 and 64 callers for 6 s each after 1 s of warm-up, the
 *     best run with under 0.1% errors; after the loads of 5 and 6, how long our projections took to
 *     catch up;
 *  7. hot account (ours only): 200 concurrent requests on one account funded for 150 of them at their
 *     real cost: 402s for the rest, and books that balance to the micro-USD.
 * Our Anthropic Messages API (`/v1/messages`, the same request in its wire, translated to the OpenAI
 * upstream and back) runs phases 1 and 3 beside chat completions: its own added latency. Our embeddings
 * (`/v1/embeddings`, one short input) run phase 1 beside the same request sent to the upstream directly.
 *
 *   npm run build && DATABASE_URL=postgres://… npx ts-node --transpile-only -r tsconfig-paths/register bench/gateway.bench.ts
 *
 * GATEWAY_BENCH_QUICK=1 runs 1 and 2 only and prints the figures without writing BENCHMARKS.md.
 * GATEWAY_CPU_PROFILE_DIR=<dir> runs our gateway under `node --cpu-prof` and leaves the profile there
 * (summarise it with bench/support/cpu-profile-summary.ts).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { Client } from 'pg';
import { createBenchDatabase } from './support/bench-database';
import { describeMachine, writeBenchmarksSection } from './support/benchmarks-file';
import {
  counterDelta,
  DatabaseWork,
  growthPerRequest,
  type DatabaseCounters,
  type TableGrowth,
} from './support/database-work';
import { GatewayAdmin } from './support/gateway-admin';
import { runHotAccount, type HotAccountRun } from './support/gateway-hot-account';
import {
  bestSustained,
  closedLoop,
  EMBEDDINGS_BODY,
  LoadTarget,
  openLoop,
  type LatencyRun,
  type ThroughputRun,
} from './support/gateway-load';
import { startOurGateway, startPortkey, startUpstream, type ChildService } from './support/gateway-processes';
import {
  CpuBurner,
  firstStreamedByte,
  sequential,
  wholeReply,
  type SequentialRun,
} from './support/gateway-sequential';
import { thousands } from './support/stats';
import { STORED_COMPLETIONS } from '../test/support/stored-completions';

const COMMAND =
  'npm run build && DATABASE_URL=postgres://… npx ts-node --transpile-only -r tsconfig-paths/register bench/gateway.bench.ts';
/** GATEWAY_BENCH_SHAPE=distributed runs our API and projector as two processes (own BENCHMARKS.md section). */
const SHAPE = process.env.GATEWAY_BENCH_SHAPE === 'distributed' ? 'distributed' : 'single-node';
/** GATEWAY_BENCH_QUICK=1: sequential latency, database work and storage only, in about a minute. */
const QUICK = process.env.GATEWAY_BENCH_QUICK === '1';
const SEQUENTIAL_WARMUP = 100;
const SEQUENTIAL_REQUESTS = 500;
const STREAMING_WARMUP = 20;
const STREAMING_REQUESTS = 200;
const CONTENDED_WARMUP = 50;
const CONTENDED_REQUESTS = 300;
/**
 * Enough requests that a table's growth is not mostly its page steps: a relation grows by 8 KB pages,
 * so 200 requests could not tell apart figures 41 bytes per request per relation apart.
 */
const DB_WORK_REQUESTS = 1000;
const IDLE_SECONDS = 10;
const RATE = 300;
/** A rate every system sustains: the latency a request pays for its own work, without queueing. */
const LIGHT_RATE = 25;
const LIGHT_SECONDS = 4;
const WARMUP_SECONDS = 3;
const LATENCY_SECONDS = 20;
const CONCURRENCY_LEVELS = [16, 32, 64];
const THROUGHPUT_WARMUP_SECONDS = 1;
const THROUGHPUT_SECONDS = 6;
const USERS = 50;
const USER_FUNDS_MICROS = 1_000_000_000n;
const HOT_REQUESTS = 200;
const HOT_FUNDED_REQUESTS = 150;
/** Two seconds of requests left unanswered: the system cannot sustain the rate. */
const MAX_BACKLOG = RATE * 2;
const SEQUENTIAL_P50_TARGET_MS = 2;
const SEQUENTIAL_P99_TARGET_MS = 8;
const TTFB_P50_TARGET_MS = 2;
const ADDED_P50_TARGET_MS = 5;
const ADDED_P99_TARGET_MS = 25;
const RPS_RATIO_TARGET = 1;
const COMMITS_PER_REQUEST_TARGET = 6;
const IDLE_COMMITS_PER_SECOND_TARGET = 1;
const STORAGE_PER_REQUEST_TARGET_BYTES = 3 * 1024;
const CATCH_UP_TARGET_SECONDS = 2;
const TARGETS_HEADER = ['| target | result | status |', '|---|---|---|'];

interface SystemFigures {
  target: LoadTarget;
  sequential?: SequentialRun;
  streaming?: SequentialRun;
  contended?: SequentialRun;
  light?: LatencyRun;
  latency?: LatencyRun;
  throughput: ThroughputRun[];
}

/** Our gateway's database work: per request (sequential, projections settled) and idle. */
interface DatabaseFigures {
  perRequest: DatabaseCounters;
  idlePerSecond: DatabaseCounters;
  storage: TableGrowth[];
  /** Rows inserted, updated or deleted per request, by table: where the commits go. */
  rowsWritten: TableGrowth[];
  /** Seconds our projections took to catch up after each load stopped, by load. */
  catchUp: Record<string, number>;
}

/** Another endpoint's figures (the Messages API, embeddings): the phases it runs beside chat completions. */
type EndpointFigures = Pick<SystemFigures, 'target' | 'sequential' | 'streaming'>;

/** Our embeddings and the same request sent to the upstream directly. */
interface EmbeddingsFigures {
  ours: EndpointFigures;
  direct: EndpointFigures;
}

/** One request through each system, proving it reaches the fake upstream before anything is timed. */
async function checkRoute(target: LoadTarget, mustHave: Record<string, string> = {}): Promise<void> {
  const reply = await target.send(0);
  const reachedUpstream = reply.status === 200 && reply.text.includes('upstream says hello to');
  const wrongHeader = Object.entries(mustHave).find(([name, value]) => reply.headers[name] !== value);
  if (!reachedUpstream || wrongHeader) {
    throw new Error(`${target.name} did not proxy to the fake upstream: ${reply.status} ${reply.text}`);
  }
}

const ms = (value: number) => value.toFixed(1);
/** A change in ms, with its sign: `+0.6`, `-1.2`. */
const msChange = (value: number) => (value < 0 ? '' : '+') + ms(value);
const met = (ok: boolean) => (ok ? 'met' : 'MISSED');

function describeThroughput(runs: readonly ThroughputRun[]): string {
  return runs
    .map(
      (run) =>
        `${run.concurrency}: ${thousands(run.rps)}${run.errors > 0 ? ` (${(run.errorRate * 100).toFixed(2)}% errors)` : ''}`,
    )
    .join(', ');
}

type SequentialPhase = 'sequential' | 'streaming' | 'contended';

/** Rows and targets of the sequential phases, the database work and the storage: the quick run's figures. */
function sequentialReport(
  systems: SystemFigures[],
  messages: EndpointFigures,
  embeddings: EmbeddingsFigures,
  database: DatabaseFigures,
): { rows: string[]; targets: string[] } {
  const [direct, ours, portkey] = systems;
  const run = (system: SystemFigures, phase: SequentialPhase) => system[phase];
  const added = (system: SystemFigures, phase: SequentialPhase, key: 'p50' | 'p99') =>
    run(system, phase)![key] - run(direct, phase)![key];
  // A system that answered none of a phase's requests with a 200 (Portkey 1.15.2 fails every stream on
  // Node 20) is shown as failing, not as NaN.
  const latencyCell = (system: SystemFigures, phase: SequentialPhase) => {
    const figures = run(system, phase)!;
    if (figures.errors === figures.requests) return `every request failed (${figures.errors})`;
    const errors = figures.errors ? ` (${figures.errors} errors)` : '';
    return `${ms(figures.p50)} / ${ms(figures.p99)}${errors}`;
  };
  const addedCell = (system: SystemFigures, phase: SequentialPhase) =>
    run(system, phase)!.errors === run(system, phase)!.requests
      ? '—'
      : `${ms(added(system, phase, 'p50'))} / ${ms(added(system, phase, 'p99'))}`;
  const phaseRows = (phase: SequentialPhase, label: string) =>
    run(ours, phase)
      ? [
          `| ${label} p50 / p99, ms | ${systems.map((system) => latencyCell(system, phase)).join(' | ')} |`,
          `| added ${label} p50 / p99, ms | — | ${[ours, portkey].map((system) => addedCell(system, phase)).join(' | ')} |`,
        ]
      : [];
  const messagesRow = (phase: 'sequential' | 'streaming', label: string) => {
    const figures = messages[phase];
    if (!figures) return [];
    const errors = figures.errors ? ` (${figures.errors} errors)` : '';
    const addedP50 = figures.p50 - run(direct, phase)!.p50;
    const addedP99 = figures.p99 - run(direct, phase)!.p99;
    return [
      `| ${label} | ${ms(figures.p50)} / ${ms(figures.p99)}${errors} | ${ms(addedP50)} / ${ms(addedP99)} |`,
    ];
  };
  const messagesRows = [
    '',
    '| our Anthropic Messages API (`/v1/messages`, translated to the same upstream) | p50 / p99, ms | added p50 / p99, ms |',
    '|---|---|---|',
    ...messagesRow('sequential', `sequential (${SEQUENTIAL_REQUESTS} requests)`),
    ...messagesRow('streaming', `streaming, time to first byte (${STREAMING_REQUESTS} requests)`),
  ];
  const embedded = embeddings.ours.sequential;
  const embeddedDirect = embeddings.direct.sequential;
  const embeddingsRows =
    embedded && embeddedDirect
      ? [
          '',
          '| embeddings (`/v1/embeddings`, one short input) | direct p50 / p99, ms | ours p50 / p99, ms | added p50 / p99, ms |',
          '|---|---|---|---|',
          `| sequential (${SEQUENTIAL_REQUESTS} requests) | ${ms(embeddedDirect.p50)} / ${ms(embeddedDirect.p99)} | ${ms(embedded.p50)} / ${ms(embedded.p99)}${embedded.errors ? ` (${embedded.errors} errors)` : ''} | ${ms(embedded.p50 - embeddedDirect.p50)} / ${ms(embedded.p99 - embeddedDirect.p99)} |`,
        ]
      : [];
  const { perRequest, idlePerSecond, storage, rowsWritten, catchUp } = database;
  const storageTotal = storage.reduce((sum, row) => sum + row.perRequest, 0);
  const rows = [
    '| at the same upstream | direct | our gateway | Portkey |',
    '|---|---|---|---|',
    ...phaseRows('sequential', `sequential (${SEQUENTIAL_REQUESTS} requests)`),
    ...phaseRows('streaming', `streaming, time to first byte (${STREAMING_REQUESTS} requests)`),
    ...phaseRows(
      'contended',
      `sequential, another process burning one core (${CONTENDED_REQUESTS} requests)`,
    ),
  ];
  const dbRows = [
    '',
    '| our database work | committed transactions | tuples inserted | updated | fetched |',
    '|---|---|---|---|---|',
    `| per request (${DB_WORK_REQUESTS} sequential, projections settled) | ${ms(perRequest.xact_commit)} | ${ms(perRequest.tup_inserted)} | ${ms(perRequest.tup_updated)} | ${ms(perRequest.tup_fetched)} |`,
    `| per second, idle node (${IDLE_SECONDS} s) | ${ms(idlePerSecond.xact_commit)} | ${ms(idlePerSecond.tup_inserted)} | ${ms(idlePerSecond.tup_updated)} | ${ms(idlePerSecond.tup_fetched)} |`,
    '',
    `| storage per request (${DB_WORK_REQUESTS} requests, tables with their indexes and TOAST) | bytes |`,
    '|---|---|',
    ...storage.map((row) => `| ${row.table} | ${thousands(row.perRequest)} |`),
    `| all tables | ${thousands(storageTotal)} |`,
    '',
    `| rows inserted, updated or deleted per request (same ${DB_WORK_REQUESTS} requests) | rows |`,
    '|---|---|',
    ...rowsWritten.map((row) => `| ${row.table} | ${ms(row.perRequest)} |`),
  ];
  const targets: string[] = [];
  if (ours.sequential) {
    const p50 = added(ours, 'sequential', 'p50');
    const p99 = added(ours, 'sequential', 'p99');
    const portkeyP50 = added(portkey, 'sequential', 'p50');
    targets.push(
      `| sequential: our added p50 <= ${SEQUENTIAL_P50_TARGET_MS} ms and below Portkey's | ${ms(p50)} ms (Portkey ${ms(portkeyP50)} ms) | ${met(p50 <= SEQUENTIAL_P50_TARGET_MS && p50 < portkeyP50)} |`,
      `| sequential: our added p99 <= ${SEQUENTIAL_P99_TARGET_MS} ms | ${ms(p99)} ms (Portkey ${ms(added(portkey, 'sequential', 'p99'))} ms) | ${met(p99 <= SEQUENTIAL_P99_TARGET_MS)} |`,
    );
  }
  if (ours.streaming) {
    const p50 = added(ours, 'streaming', 'p50');
    targets.push(
      `| streaming: our added time to first byte p50 <= ${TTFB_P50_TARGET_MS} ms | ${ms(p50)} ms (Portkey ${addedCell(portkey, 'streaming')}) | ${met(p50 <= TTFB_P50_TARGET_MS)} |`,
    );
  }
  if (ours.contended && ours.sequential) {
    const growth = (system: SystemFigures) =>
      added(system, 'contended', 'p50') - added(system, 'sequential', 'p50');
    targets.push(
      `| one core busy elsewhere: our added p50 grows no more than Portkey's | ours ${msChange(growth(ours))} ms, Portkey ${msChange(growth(portkey))} ms | ${met(growth(ours) <= growth(portkey))} |`,
    );
  }
  targets.push(
    `| database work per request <= ${COMMITS_PER_REQUEST_TARGET} committed transactions | ${ms(perRequest.xact_commit)} | ${met(perRequest.xact_commit <= COMMITS_PER_REQUEST_TARGET)} |`,
    `| idle node <= ${IDLE_COMMITS_PER_SECOND_TARGET} committed transaction per second | ${ms(idlePerSecond.xact_commit)} | ${met(idlePerSecond.xact_commit <= IDLE_COMMITS_PER_SECOND_TARGET)} |`,
    `| storage per request <= ${thousands(STORAGE_PER_REQUEST_TARGET_BYTES)} bytes | ${thousands(storageTotal)} bytes | ${met(storageTotal <= STORAGE_PER_REQUEST_TARGET_BYTES)} |`,
    ...Object.entries(catchUp).map(
      ([load, seconds]) =>
        `| projections caught up <= ${CATCH_UP_TARGET_SECONDS} s after ${load} | ${seconds.toFixed(2)} s | ${met(seconds <= CATCH_UP_TARGET_SECONDS)} |`,
    ),
  );
  return { rows: [...rows, ...messagesRows, ...embeddingsRows, ...dbRows], targets };
}

function loadReport(
  systems: SystemFigures[],
  hot: HotAccountRun,
  storedCompletions: number,
  /** Our 200s, chat completions, Messages and embeddings alike. */
  ourReplies: number,
): { rows: string[]; targets: string[] } {
  const [direct, ours, portkey] = systems;
  const latency = (system: SystemFigures) => system.latency!;
  const added = (system: SystemFigures, key: 'p50' | 'p99') => latency(system)[key] - latency(direct)[key];
  const light = (system: SystemFigures) => system.light!;
  const lightAdded = (system: SystemFigures, key: 'p50' | 'p99') => light(system)[key] - light(direct)[key];
  const best = systems.map((system) => bestSustained(system.throughput));
  const rps = (index: number) => best[index]?.rps ?? 0;
  const ratio = rps(1) / Math.max(1, rps(2));
  const overspendFree = hot.checks.every((check) => check.ok);

  const cell = (system: SystemFigures) => {
    const run = latency(system);
    const errors = run.errors > 0 ? `, ${run.errors} errors` : '';
    const overloaded = run.sustained
      ? ''
      : `; NOT SUSTAINED: ${MAX_BACKLOG} unanswered after ${run.seconds.toFixed(1)} s, sending stopped`;
    return `${ms(run.p50)} / ${ms(run.p99)} (max ${ms(run.max)}${errors}${overloaded})`;
  };
  const addedCell = (system: SystemFigures) => `${ms(added(system, 'p50'))} / ${ms(added(system, 'p99'))}`;
  const lightCell = (system: SystemFigures) => `${ms(light(system).p50)} / ${ms(light(system).p99)}`;
  const lightAddedCell = (system: SystemFigures) =>
    `${ms(lightAdded(system, 'p50'))} / ${ms(lightAdded(system, 'p99'))}`;
  const bestCell = (index: number) =>
    best[index] ? `${thousands(rps(index))} (${best[index]!.concurrency} callers)` : 'none without errors';

  const rows = [
    `| latency p50 / p99 at ${RATE} RPS, ms | ${systems.map(cell).join(' | ')} |`,
    `| added latency p50 / p99 at ${RATE} RPS, ms | — | ${addedCell(ours)} | ${addedCell(portkey)} |`,
    `| latency p50 / p99 at ${LIGHT_RATE} RPS (light load), ms | ${systems.map(lightCell).join(' | ')} |`,
    `| added latency p50 / p99 at ${LIGHT_RATE} RPS, ms | — | ${lightAddedCell(ours)} | ${lightAddedCell(portkey)} |`,
    `| max sustained RPS | ${[0, 1, 2].map(bestCell).join(' | ')} |`,
    `| RPS by callers | ${systems.map((system) => describeThroughput(system.throughput)).join(' | ')} |`,
  ];
  const targets = [
    `| our added latency p50 <= ${ADDED_P50_TARGET_MS} ms at ${RATE} RPS | ${ms(added(ours, 'p50'))} ms (Portkey ${ms(added(portkey, 'p50'))} ms) | ${met(added(ours, 'p50') <= ADDED_P50_TARGET_MS)} |`,
    `| our added latency p99 <= ${ADDED_P99_TARGET_MS} ms at ${RATE} RPS | ${ms(added(ours, 'p99'))} ms (Portkey ${ms(added(portkey, 'p99'))} ms) | ${met(added(ours, 'p99') <= ADDED_P99_TARGET_MS)} |`,
    `| our max RPS >= ${RPS_RATIO_TARGET}x Portkey's | ${ratio.toFixed(2)}x (${thousands(rps(1))} / ${thousands(rps(2))}) | ${met(ratio >= RPS_RATIO_TARGET)} |`,
    `| hot account: ${hot.requests} concurrent requests, funded for ${hot.fundedRequests} (cost ${hot.costMicros}, hold ${hot.holdMicros} micro-USD each) | ` +
      `${hot.served} served, ${hot.refused} refused (402), ${hot.otherErrors} other errors in ${hot.seconds.toFixed(2)} s = ${thousands(hot.requests / hot.seconds)} requests/s; ` +
      `granted ${hot.granted}, debited ${hot.debited}, balance ${hot.balance} | zero overspend: ${met(overspendFree)} |`,
    `| every 200 from our gateway has its events stored | ${thousands(storedCompletions)} RequestCompleted events for ${thousands(ourReplies)} replies | ${met(storedCompletions === ourReplies)} |`,
  ];
  return { rows, targets };
}

/** Each system's sequential latency in `phase`, after a warm-up of the same kind. */
async function sequentialPhase(
  systems: Array<Pick<SystemFigures, 'target' | SequentialPhase>>,
  admin: GatewayAdmin,
  phase: SequentialPhase,
  warmup: number,
  requests: number,
): Promise<void> {
  for (const system of systems) {
    const measure = phase === 'streaming' ? firstStreamedByte(system.target) : wholeReply(system.target);
    await admin.waitUntilProjected();
    await sequential(warmup, measure);
    system[phase] = await sequential(requests, measure);
    console.log(
      `${system.target.name}: ${phase} p50 ${ms(system[phase].p50)} ms, p99 ${ms(system[phase].p99)} ms`,
    );
  }
}

/** Our database work per request and idle, and each table's growth, on a settled node. */
async function databasePhase(
  databaseUrl: string,
  admin: GatewayAdmin,
  ours: LoadTarget,
): Promise<DatabaseFigures> {
  const work = await DatabaseWork.open(databaseUrl);
  try {
    await admin.waitUntilProjected();
    await work.quiesce();
    const idleBefore = await work.counters();
    const idleStarted = performance.now();
    await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
    const idleAfter = await work.counters();
    const idlePerSecond = counterDelta(idleBefore, idleAfter, (performance.now() - idleStarted) / 1000);

    await work.quiesce();
    const sizesBefore = await work.tableSizes();
    const before = await work.counters();
    const writesBefore = await work.tableWrites();
    await sequential(DB_WORK_REQUESTS, wholeReply(ours));
    const caughtUp = await admin.waitUntilProjected();
    // A backend publishes what it did in its last second only once it has been idle 10 s (or works
    // again): read before that, half of a short run's work was seen missing.
    await work.quiesce();
    const after = await work.counters();
    const writesAfter = await work.tableWrites();
    const sizesAfter = await work.tableSizes();
    return {
      perRequest: counterDelta(before, after, DB_WORK_REQUESTS),
      idlePerSecond,
      storage: growthPerRequest(sizesBefore, sizesAfter, DB_WORK_REQUESTS),
      rowsWritten: growthPerRequest(writesBefore, writesAfter, DB_WORK_REQUESTS),
      catchUp: { [`${DB_WORK_REQUESTS} sequential requests`]: caughtUp },
    };
  } finally {
    await work.close();
  }
}

/** The figures of every system, by name, for the JSON summary. */
const figuresByName = (systems: Array<SystemFigures | EndpointFigures>) =>
  Object.fromEntries(systems.map(({ target, ...figures }) => [target.name, figures]));

async function main(): Promise<void> {
  // Other work on this shared machine moves every figure: the load says how much there was.
  const loadAtStart = loadavg()[0];
  const database = await createBenchDatabase();
  const jwtSecret = randomBytes(32).toString('hex');
  const services: ChildService[] = [];
  const targets: LoadTarget[] = [];
  try {
    const upstream = await startUpstream();
    services.push(upstream);
    const ours = await startOurGateway({
      databaseUrl: database.url,
      upstreamBaseUrl: upstream.url,
      jwtSecret,
      cpuProfileDir: process.env.GATEWAY_CPU_PROFILE_DIR,
      shape: SHAPE,
    });
    services.push(ours);
    const portkey = await startPortkey();
    services.push(portkey);

    const admin = new GatewayAdmin(ours.url, jwtSecret, ours.projectorUrl);
    const users = Array.from({ length: USERS }, (_, index) => `bench-user-${index}`);
    await Promise.all(users.map((user) => admin.fund(user, USER_FUNDS_MICROS)));
    const tokens = users.map((user) => `Bearer ${admin.token(user, 'user')}`);

    const connections = Math.max(...CONCURRENCY_LEVELS) * 2;
    const upstreamUrl = new URL(upstream.url);
    const direct = new LoadTarget(
      'direct',
      upstreamUrl.origin,
      `${upstreamUrl.pathname}/chat/completions`,
      () => ({ authorization: 'Bearer sk-bench-direct' }),
      connections,
    );
    const ourTarget = new LoadTarget(
      'ours',
      ours.url,
      '/v1/chat/completions',
      (index) => ({ authorization: tokens[index % tokens.length] }),
      connections,
    );
    const portkeyTarget = new LoadTarget(
      'portkey',
      portkey.url,
      '/v1/chat/completions',
      () => ({
        authorization: 'Bearer sk-bench-portkey',
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': upstream.url,
      }),
      connections,
    );
    // The same body is a valid Messages request: model, max_tokens, one user message.
    const messagesTarget = new LoadTarget(
      'ours, Messages API',
      ours.url,
      '/v1/messages',
      (index) => ({ authorization: tokens[index % tokens.length], 'anthropic-version': '2023-06-01' }),
      connections,
    );
    await checkRoute(direct);
    await checkRoute(ourTarget, { 'x-ops-provider': 'openai' });
    await checkRoute(portkeyTarget, { 'x-portkey-provider': 'openai' });
    await checkRoute(messagesTarget, { 'x-ops-provider': 'openai' });
    if ((await messagesTarget.firstStreamedByte(0)) === null)
      throw new Error('our Messages API failed a stream');
    const directEmbeddings = new LoadTarget(
      'direct, embeddings',
      upstreamUrl.origin,
      `${upstreamUrl.pathname}/embeddings`,
      () => ({ authorization: 'Bearer sk-bench-direct' }),
      connections,
      EMBEDDINGS_BODY,
    );
    const embeddingsTarget = new LoadTarget(
      'ours, embeddings',
      ours.url,
      '/v1/embeddings',
      (index) => ({ authorization: tokens[index % tokens.length] }),
      connections,
      EMBEDDINGS_BODY,
    );
    for (const target of [directEmbeddings, embeddingsTarget]) {
      const reply = await target.send(0);
      if (reply.status !== 200 || !reply.text.includes('"embedding"')) {
        throw new Error(`${target.name} did not embed: ${reply.status} ${reply.text}`);
      }
    }

    const systems: SystemFigures[] = [direct, ourTarget, portkeyTarget].map((target) => ({
      target,
      throughput: [],
    }));
    targets.push(direct, ourTarget, portkeyTarget, messagesTarget, directEmbeddings, embeddingsTarget);
    const messages: EndpointFigures = { target: messagesTarget };
    const embeddings: EmbeddingsFigures = {
      ours: { target: embeddingsTarget },
      direct: { target: directEmbeddings },
    };
    await sequentialPhase(
      [...systems, messages, embeddings.direct, embeddings.ours],
      admin,
      'sequential',
      SEQUENTIAL_WARMUP,
      SEQUENTIAL_REQUESTS,
    );
    const databaseFigures = await databasePhase(database.url, admin, ourTarget);
    if (!QUICK) {
      await sequentialPhase([...systems, messages], admin, 'streaming', STREAMING_WARMUP, STREAMING_REQUESTS);
      const burner = new CpuBurner();
      try {
        await sequentialPhase(systems, admin, 'contended', CONTENDED_WARMUP, CONTENDED_REQUESTS);
      } finally {
        await burner.stop();
      }
    }
    const machine = `${await describeMachine(database.url)} · load average ${loadAtStart.toFixed(1)} at the start`;
    if (QUICK) {
      const { rows, targets } = sequentialReport(systems, messages, embeddings, databaseFigures);
      console.log(['', machine, '', ...rows, '', ...TARGETS_HEADER, ...targets].join('\n'));
      console.log(
        JSON.stringify({
          benchmark: 'gateway-quick',
          systems: figuresByName([...systems, messages, embeddings.direct, embeddings.ours]),
          database: databaseFigures,
        }),
      );
      return;
    }

    for (const system of systems) {
      await admin.waitUntilProjected();
      await openLoop(system.target, LIGHT_RATE, 1, MAX_BACKLOG);
      system.light = await openLoop(system.target, LIGHT_RATE, LIGHT_SECONDS, MAX_BACKLOG);
      const warmup = await openLoop(system.target, RATE, WARMUP_SECONDS, MAX_BACKLOG);
      system.latency = warmup.sustained
        ? await openLoop(system.target, RATE, LATENCY_SECONDS, MAX_BACKLOG)
        : warmup;
      if (system.target === ourTarget) {
        databaseFigures.catchUp[`${RATE} RPS open loop`] = await admin.waitUntilProjected();
      }
      console.log(
        `${system.target.name}: ${RATE} RPS p50 ${ms(system.latency.p50)} ms, p99 ${ms(system.latency.p99)} ms, ${system.latency.errors} errors`,
      );
    }
    for (const system of systems) {
      for (const concurrency of CONCURRENCY_LEVELS) {
        await admin.waitUntilProjected();
        await closedLoop(system.target, concurrency, THROUGHPUT_WARMUP_SECONDS);
        system.throughput.push(await closedLoop(system.target, concurrency, THROUGHPUT_SECONDS));
      }
      if (system.target === ourTarget) {
        databaseFigures.catchUp[`closed loop at ${CONCURRENCY_LEVELS.at(-1)} callers`] =
          await admin.waitUntilProjected();
      }
      console.log(`${system.target.name}: RPS by callers ${describeThroughput(system.throughput)}`);
    }

    await admin.waitUntilProjected();
    const hot = await runHotAccount(admin, ours.url, database.url, HOT_REQUESTS, HOT_FUNDED_REQUESTS);
    const storedCompletions = await countCompletions(database.url);

    const { rows: sequentialRows, targets: sequentialTargets } = sequentialReport(
      systems,
      messages,
      embeddings,
      databaseFigures,
    );
    const { rows: loadRows, targets: loadTargets } = loadReport(
      systems,
      hot,
      storedCompletions,
      ourTarget.okReplies + messagesTarget.okReplies + embeddingsTarget.okReplies,
    );
    const [header, separator, ...latencyRows] = sequentialRows;
    const dbStart = latencyRows.indexOf('');
    const rows = [
      header,
      separator,
      ...latencyRows.slice(0, dbStart),
      ...loadRows,
      ...latencyRows.slice(dbStart),
      '',
      ...TARGETS_HEADER,
      ...sequentialTargets,
      ...loadTargets,
    ];
    console.log(['', machine, '', ...rows].join('\n'));
    for (const check of hot.checks)
      console.log(`hot account: ${check.ok ? 'ok' : 'FAILED'} ${check.name}: ${check.detail}`);
    // Micro-USD amounts are bigints, which JSON has no place for: they are written as strings.
    const bigintsAsStrings = (_key: string, value: unknown) =>
      typeof value === 'bigint' ? String(value) : value;
    console.log(
      JSON.stringify(
        {
          benchmark: 'gateway',
          systems: figuresByName([...systems, messages, embeddings.direct, embeddings.ours]),
          database: databaseFigures,
          hot,
        },
        bigintsAsStrings,
      ),
    );
    await writeBenchmarksSection(
      SHAPE === 'distributed' ? 'LLM gateway (API and projector as two processes)' : 'LLM gateway',
      [
        '```sh',
        COMMAND,
        '```',
        '',
        `${machine}.`,
        '',
        ...rows,
        '',
        'Each system runs in its own process on this machine, as does the fake upstream (instant replies) they all call, ' +
          'and the load generator (undici, keep-alive) is a fourth. Every request is the same `gpt-4o-mini` ' +
          'chat completion (`max_tokens` 16), non-streaming except in the time-to-first-byte row. ' +
          `Sequential rows send one request after another (${SEQUENTIAL_REQUESTS} after ${SEQUENTIAL_WARMUP} of warm-up; ` +
          `the contended row with another process spinning on one core). Latency under load is open-loop at a fixed ${RATE} RPS for ${LATENCY_SECONDS} s after ` +
          `${WARMUP_SECONDS} s of warm-up, measured from each request's scheduled send time to the end of its reply; ` +
          `a system that leaves ${MAX_BACKLOG} requests unanswered cannot sustain the rate, so sending stops there ` +
          '(during the warm-up if it comes to that) and the figures are those of the requests sent until then. ' +
          'Added latency is the system minus direct at the same percentile. Before it, ' +
          `${LIGHT_SECONDS} s at ${LIGHT_RATE} RPS give the latency of a request that waits for nobody. Max RPS is closed-loop at ` +
          `${CONCURRENCY_LEVELS.join(', ')} callers for ${THROUGHPUT_SECONDS} s each, the best run under 0.1% errors. ` +
          `Our gateway runs as \`npm start\` runs it (API and projector in one process, default logging, ${USERS} funded users in turn), ` +
          "and answers only once the request's credit hold, and its settlement with its completion, are stored; " +
          "before each run the bench waits until its projections have caught up, so no system pays for another's backlog. " +
          `Database work is \`pg_stat_database\` of our database over ${DB_WORK_REQUESTS} sequential requests, from settled projections ` +
          `to settled projections (their work and the idle node's included), and over ${IDLE_SECONDS} s of no traffic, each once ` +
          "the database's counters have kept to an idle pace for 3 s (late statistics and autovacuum after a load); storage is " +
          "each table's `pg_total_relation_size` (indexes and TOAST included) over the same requests. " +
          "Hot account: a probe request gives one request's hold (its `CreditsReserved` event) and real cost " +
          `(\`x-ops-cost-micros\`); the account gets the cost of ${HOT_FUNDED_REQUESTS} requests, then ${HOT_REQUESTS} are sent at once. ` +
          'It is funded by cost, not by hold, because each settlement hands back the rest of its hold: funded for ' +
          `${HOT_FUNDED_REQUESTS} holds, all ${HOT_REQUESTS} would be served one after another. The books are checked in the events, ` +
          'the live account view and the read models.',
        '',
        ...hot.checks.map((check) => `- ${check.ok ? 'ok' : 'FAILED'}: ${check.name} (${check.detail})`),
      ],
    );
  } finally {
    await Promise.all(targets.map((target) => target.close()));
    for (const service of services.reverse()) await service.stop();
    await database.drop();
  }
}

async function countCompletions(databaseUrl: string): Promise<number> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${STORED_COMPLETIONS} WHERE user_id LIKE 'bench-user-%'`,
    );
    return rows[0].n;
  } finally {
    await db.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
