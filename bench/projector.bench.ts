/**
 * Projector throughput and lag, on a fresh database:
 *  1. replay: 200,000 credit events already in the log, applied from zero into the balance, ledger
 *     and audit read models (events of the log per second until every projection is at the head);
 *  2. live lag: events appended at 1,000/s for 10 s while the projector follows; for each event, the
 *     time from its append (the row's recorded time) to the commit of the batch that applied it.
 *
 *   DATABASE_URL=postgres://… npx ts-node --transpile-only -r tsconfig-paths/register bench/projector.bench.ts
 */
import 'reflect-metadata';
import { creditAccountStream } from '@ops/domain';
import { openDatabase } from '@ops/infra/database/data-source';
import type { RecordedEvent } from '@ops/infra/event-store/event-store';
import { PostgresEventStore } from '@ops/infra/event-store/postgres';
import { AuditLogProjection } from '@ops/read-models';
import { CreditLedgerProjection } from '@ops/read-models';
import { ProjectorService } from '../apps/projector/src/runtime/projector.service';
import { createBenchDatabase } from './support/bench-database';
import { CpuTime } from './support/cpu-time';
import { describeMachine, writeBenchmarksSection } from './support/benchmarks-file';
import { creditGrantedEvent } from './support/events';
import { percentile, thousands } from './support/stats';

const COMMAND = 'npx ts-node --transpile-only -r tsconfig-paths/register bench/projector.bench.ts';
const REPLAY_EVENTS = 200_000;
const ACCOUNTS = 2_000;
const SEED_BATCH = 100;
const BATCH_SIZE = 5_000;
const LIVE_RATE = 1_000;
const LIVE_SECONDS = 10;
const REPLAY_TARGET = 20_000;
const LAG_TARGET_MS = 50;

async function seed(store: PostgresEventStore): Promise<void> {
  const appendsPerAccount = REPLAY_EVENTS / ACCOUNTS / SEED_BATCH;
  let next = 0;
  // Four writers, each taking the next account: a realistic mix of streams in the log.
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let account = next++; account < ACCOUNTS; account = next++) {
        for (let append = 0; append < appendsPerAccount; append++) {
          const userId = `bench-${account}`;
          const events = Array.from({ length: SEED_BATCH }, (_, index) =>
            creditGrantedEvent(userId, index + 1),
          );
          await store.append(creditAccountStream(userId), events, 'any');
        }
      }
    }),
  );
}

async function main(): Promise<void> {
  const database = await createBenchDatabase();
  const db = await openDatabase(database.url);
  const store = new PostgresEventStore(database.url);
  const projections = [new CreditLedgerProjection(), new AuditLogProjection()];
  const projector = new ProjectorService(store, db, projections, { batchSize: BATCH_SIZE });
  try {
    const seedStarted = Date.now();
    await seed(store);
    console.log(
      `seeded ${thousands(REPLAY_EVENTS)} events in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`,
    );

    const cpu = await CpuTime.open(database.url);
    const cpuAtStart = await cpu.sample();
    const replayStarted = process.hrtime.bigint();
    projector.start();
    await Promise.all(
      projections.map((projection) => projector.waitUntilCaughtUp(projection.name, undefined, 20)),
    );
    const replaySeconds = Number(process.hrtime.bigint() - replayStarted) / 1e9;
    const replayRate = REPLAY_EVENTS / replaySeconds;
    const replayCpu = await cpu.since(cpuAtStart);
    await cpu.close();
    const [{ ledger }] = await db.query('SELECT count(*)::int AS ledger FROM credit_transactions');
    if (ledger !== REPLAY_EVENTS) throw new Error(`replay applied ${ledger} of ${REPLAY_EVENTS} events`);

    const lags: Record<string, number[]> = { 'credit-ledger': [], 'audit-log': [] };
    const stopListening = projector.onBatchCommitted(
      (name: string, events: readonly RecordedEvent[], committedAt: Date) => {
        for (const event of events) lags[name]?.push(committedAt.getTime() - event.recordedAt.getTime());
      },
    );
    const liveStarted = Date.now();
    const appends: Promise<unknown>[] = [];
    for (let sent = 0; sent < LIVE_RATE * LIVE_SECONDS; sent++) {
      const due = liveStarted + (sent * 1000) / LIVE_RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const userId = `live-${sent % 100}`;
      appends.push(store.append(creditAccountStream(userId), [creditGrantedEvent(userId, 1)], 'any'));
    }
    await Promise.all(appends);
    const achievedRate = (LIVE_RATE * LIVE_SECONDS) / ((Date.now() - liveStarted) / 1000);
    await Promise.all(
      projections.map((projection) => projector.waitUntilCaughtUp(projection.name, undefined, 20)),
    );
    stopListening();

    const all = Object.values(lags).flat();
    const lagFigures = Object.entries(lags).map(
      ([name, values]) =>
        `${name}: p50 ${percentile(values, 0.5)} ms, p99 ${percentile(values, 0.99)} ms, max ${Math.max(...values)} ms`,
    );
    const p99 = percentile(all, 0.99);
    const rows = [
      `| replay of ${thousands(REPLAY_EVENTS)} credit events into balances + ledger + audit log (batches of ${BATCH_SIZE}) | ` +
        `${thousands(replayRate)} events/s (${replaySeconds.toFixed(1)} s) | >= ${thousands(REPLAY_TARGET)}/s: ${replayRate >= REPLAY_TARGET ? 'met' : 'MISSED'} |`,
      `| live lag, append to read-model commit, ${thousands(achievedRate)} events/s for ${LIVE_SECONDS} s | ` +
        `p99 ${p99} ms (${lagFigures.join('; ')}) | p99 < ${LAG_TARGET_MS} ms: ${p99 < LAG_TARGET_MS ? 'met' : 'MISSED'} |`,
    ];
    const machine = await describeMachine(database.url);
    // CPU seconds stay comparable between runs on a busy machine, where the rates do not.
    const cpuLine =
      `replay CPU: Node ${replayCpu.node.toFixed(1)} s, PostgreSQL backends ${replayCpu.database.toFixed(1)} s ` +
      `(${(((replayCpu.node + replayCpu.database) / REPLAY_EVENTS) * 1e6).toFixed(1)} µs per event)`;
    console.log(['', machine, ...rows, cpuLine].join('\n'));
    console.log(
      JSON.stringify({ benchmark: 'projector', replayRate, replaySeconds, replayCpu, p99, achievedRate }),
    );
    await writeBenchmarksSection('Projector', [
      '```sh',
      `DATABASE_URL=postgres://… ${COMMAND}`,
      '```',
      '',
      `${machine}.`,
      '',
      '| measurement | result | target |',
      '|---|---|---|',
      ...rows,
      '',
      'Replay time runs from the projector start until both projections have applied the last event. ' +
        'Lag is measured per event from its `recorded_at` (the append transaction) to the commit of the ' +
        'projection transaction that applied it, for both projections.',
    ]);
  } finally {
    await projector.onApplicationShutdown();
    await store.close();
    await db.destroy();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
