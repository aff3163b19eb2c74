/**
 * Gateway overhead, side by side on one local upstream that answers instantly (the fake
 * OpenAI-compatible server), each system in its own process:
 *  - direct: the load generator calls the upstream itself;
 *  - ours: the single-node product from `dist/` (API + projector), every request's events stored
 *    with the database's durability settings left alone;
 *  - Portkey: the open-source gateway (npm `@portkey-ai/gateway`) sent to the same upstream with its
 *    custom-host header.
 * Measured in one run:
 *  1. latency, open loop: 4 s at a light 25 RPS, then 300 RPS for 20 s after 3 s of warm-up (p50,
 *     p99; added latency is the system's minus direct's at the same percentile); a system that falls
 *     2 s of requests behind stops there, reported as not sustaining the rate;
 *  2. max sustained RPS: closed loop at 16, 32 and 64 callers for 6 s each after 1 s of warm-up, the
 *     best run with under 0.1% errors;
 *  3. hot account (ours only): 200 concurrent requests on one account funded for 150 of them at their
 *     real cost: 402s for the rest, and books that balance to the micro-USD.
 *
 *   npm run build && DATABASE_URL=postgres://… npx ts-node --transpile-only -r tsconfig-paths/register bench/gateway.bench.ts
 *
 * GATEWAY_CPU_PROFILE_DIR=<dir> runs our gateway under `node --cpu-prof` and leaves the profile there.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { Client } from 'pg';
import { createBenchDatabase } from './support/bench-database';
import { describeMachine, writeBenchmarksSection } from './support/benchmarks-file';
import { GatewayAdmin } from './support/gateway-admin';
import { runHotAccount, type HotAccountRun } from './support/gateway-hot-account';
import {
  bestSustained,
  closedLoop,
  LoadTarget,
  openLoop,
  type LatencyRun,
  type ThroughputRun,
} from './support/gateway-load';
import { startOurGateway, startPortkey, startUpstream, type ChildService } from './support/gateway-processes';
import { thousands } from './support/stats';

const COMMAND =
  'npm run build && DATABASE_URL=postgres://… npx ts-node --transpile-only -r tsconfig-paths/register bench/gateway.bench.ts';
/** GATEWAY_BENCH_SHAPE=distributed runs our API and projector as two processes (own BENCHMARKS.md section). */
const SHAPE = process.env.GATEWAY_BENCH_SHAPE === 'distributed' ? 'distributed' : 'single-node';
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
const ADDED_P50_TARGET_MS = 5;
const ADDED_P99_TARGET_MS = 25;
const RPS_RATIO_TARGET = 0.8;

interface SystemFigures {
  target: LoadTarget;
  light?: LatencyRun;
  latency?: LatencyRun;
  throughput: ThroughputRun[];
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
const met = (ok: boolean) => (ok ? 'met' : 'MISSED');

function describeThroughput(runs: readonly ThroughputRun[]): string {
  return runs
    .map(
      (run) =>
        `${run.concurrency}: ${thousands(run.rps)}${run.errors > 0 ? ` (${(run.errorRate * 100).toFixed(2)}% errors)` : ''}`,
    )
    .join(', ');
}

function report(
  systems: SystemFigures[],
  hot: HotAccountRun,
  storedCompletions: number,
): { rows: string[]; summary: object } {
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
    '| at the same upstream | direct | our gateway | Portkey |',
    '|---|---|---|---|',
    `| latency p50 / p99 at ${RATE} RPS, ms | ${systems.map(cell).join(' | ')} |`,
    `| added latency p50 / p99 at ${RATE} RPS, ms | — | ${addedCell(ours)} | ${addedCell(portkey)} |`,
    `| latency p50 / p99 at ${LIGHT_RATE} RPS (light load), ms | ${systems.map(lightCell).join(' | ')} |`,
    `| added latency p50 / p99 at ${LIGHT_RATE} RPS, ms | — | ${lightAddedCell(ours)} | ${lightAddedCell(portkey)} |`,
    `| max sustained RPS | ${[0, 1, 2].map(bestCell).join(' | ')} |`,
    `| RPS by callers | ${systems.map((system) => describeThroughput(system.throughput)).join(' | ')} |`,
    '',
    '| target | result | status |',
    '|---|---|---|',
    `| our added latency p50 <= ${ADDED_P50_TARGET_MS} ms at ${RATE} RPS | ${ms(added(ours, 'p50'))} ms (Portkey ${ms(added(portkey, 'p50'))} ms) | ${met(added(ours, 'p50') <= ADDED_P50_TARGET_MS)} |`,
    `| our added latency p99 <= ${ADDED_P99_TARGET_MS} ms at ${RATE} RPS | ${ms(added(ours, 'p99'))} ms (Portkey ${ms(added(portkey, 'p99'))} ms) | ${met(added(ours, 'p99') <= ADDED_P99_TARGET_MS)} |`,
    `| our max RPS >= ${RPS_RATIO_TARGET}x Portkey's | ${ratio.toFixed(2)}x (${thousands(rps(1))} / ${thousands(rps(2))}) | ${met(ratio >= RPS_RATIO_TARGET)} |`,
    `| hot account: ${hot.requests} concurrent requests, funded for ${hot.fundedRequests} (cost ${hot.costMicros}, hold ${hot.holdMicros} micro-USD each) | ` +
      `${hot.served} served, ${hot.refused} refused (402), ${hot.otherErrors} other errors in ${hot.seconds.toFixed(2)} s = ${thousands(hot.requests / hot.seconds)} requests/s; ` +
      `granted ${hot.granted}, debited ${hot.debited}, balance ${hot.balance} | zero overspend: ${met(overspendFree)} |`,
    `| every 200 from our gateway has its events stored | ${thousands(storedCompletions)} RequestCompleted events for ${thousands(ours.target.okReplies)} replies | ${met(storedCompletions === ours.target.okReplies)} |`,
  ];
  const summary = {
    benchmark: 'gateway',
    latency: Object.fromEntries(
      systems.map((system) => [system.target.name, { light: system.light, loaded: system.latency }]),
    ),
    maxRps: Object.fromEntries(systems.map((system, index) => [system.target.name, rps(index)])),
    rpsRatio: ratio,
    hot: {
      ...hot,
      holdMicros: String(hot.holdMicros),
      costMicros: String(hot.costMicros),
      granted: String(hot.granted),
      debited: String(hot.debited),
      balance: String(hot.balance),
    },
  };
  return { rows, summary };
}

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
    targets.push(direct, ourTarget, portkeyTarget);
    await checkRoute(direct);
    await checkRoute(ourTarget, { 'x-ops-provider': 'openai' });
    await checkRoute(portkeyTarget, { 'x-portkey-provider': 'openai' });

    const systems: SystemFigures[] = targets.map((target) => ({ target, throughput: [] }));
    for (const system of systems) {
      await admin.waitUntilProjected();
      await openLoop(system.target, LIGHT_RATE, 1, MAX_BACKLOG);
      system.light = await openLoop(system.target, LIGHT_RATE, LIGHT_SECONDS, MAX_BACKLOG);
      const warmup = await openLoop(system.target, RATE, WARMUP_SECONDS, MAX_BACKLOG);
      system.latency = warmup.sustained
        ? await openLoop(system.target, RATE, LATENCY_SECONDS, MAX_BACKLOG)
        : warmup;
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
      console.log(`${system.target.name}: RPS by callers ${describeThroughput(system.throughput)}`);
    }

    await admin.waitUntilProjected();
    const hot = await runHotAccount(admin, ours.url, database.url, HOT_REQUESTS, HOT_FUNDED_REQUESTS);
    const storedCompletions = await countCompletions(database.url);

    const { rows, summary } = report(systems, hot, storedCompletions);
    const machine = `${await describeMachine(database.url)} · load average ${loadAtStart.toFixed(1)} at the start`;
    console.log(['', machine, '', ...rows].join('\n'));
    for (const check of hot.checks)
      console.log(`hot account: ${check.ok ? 'ok' : 'FAILED'} ${check.name}: ${check.detail}`);
    console.log(JSON.stringify(summary));
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
          'and the load generator (undici, keep-alive) is a fourth. Every request is the same non-streaming `gpt-4o-mini` ' +
          `chat completion (\`max_tokens\` 16). Latency is open-loop at a fixed ${RATE} RPS for ${LATENCY_SECONDS} s after ` +
          `${WARMUP_SECONDS} s of warm-up, measured from each request's scheduled send time to the end of its reply; ` +
          `a system that leaves ${MAX_BACKLOG} requests unanswered cannot sustain the rate, so sending stops there ` +
          '(during the warm-up if it comes to that) and the figures are those of the requests sent until then. ' +
          'Added latency is the system minus direct at the same percentile. Before it, ' +
          `${LIGHT_SECONDS} s at ${LIGHT_RATE} RPS give the latency of a request that waits for nobody. Max RPS is closed-loop at ` +
          `${CONCURRENCY_LEVELS.join(', ')} callers for ${THROUGHPUT_SECONDS} s each, the best run under 0.1% errors. ` +
          `Our gateway runs as \`npm start\` runs it (API and projector in one process, ${USERS} funded users in turn), ` +
          "and answers only once the request's credit hold, routing, settlement and completion events are stored; " +
          "before each run the bench waits until its projections have caught up, so no system pays for another's backlog. " +
          "Hot account: a probe request gives one request's hold (its `RequestRouted` event) and real cost " +
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
      `SELECT count(*)::int AS n FROM events WHERE type = 'RequestCompleted' AND data->>'userId' LIKE 'bench-user-%'`,
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
