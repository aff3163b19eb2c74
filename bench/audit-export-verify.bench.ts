/**
 * Tamper evidence at volume: 1,000,000 events exported to a file and verified, in the database and
 * offline, with the process's memory sampled throughout.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *     npx ts-node --transpile-only -r tsconfig-paths/register bench/audit-export-verify.bench.ts
 *
 * Creates a fresh database (dropped at the end), appends 1,000,000 credit events over 1,000 streams
 * through the store (so every chain is built by append_events, as in production), signs a digest,
 * then times (1) `exportEventLog` to a file, (2) the full `EventLogVerifier` pass (every chain and
 * the digest), (3) `verifyExportFile` on the export against the digest; prints a table and a JSON
 * line and rewrites the "## Audit export and verification" section of BENCHMARKS.md.
 */
import 'reflect-metadata';
import { creditAccountStream } from '@ops/domain';
import { openDatabase } from '@ops/infra/database/data-source';
import {
  DigestSigner,
  EventLogVerifier,
  exportEventLog,
  loadAuditSigningKey,
  RecordedDigests,
  verifyExportFile,
} from '@ops/infra/event-store/integrity';
import { PostgresEventStore } from '@ops/infra/event-store/postgres';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { Pool } from 'pg';
import { createBenchDatabase } from './support/bench-database';
import { describeMachine, writeBenchmarksSection } from './support/benchmarks-file';
import { creditGrantedEvent } from './support/events';
import { thousands } from './support/stats';

const COMMAND = 'npx ts-node --transpile-only -r tsconfig-paths/register bench/audit-export-verify.bench.ts';
const EVENTS = 1_000_000;
const STREAMS = 1_000;
const APPEND_SIZE = 1_000;
const SEED_WRITERS = 2;
const EXPORT_TARGET = 100_000;
const VERIFY_TARGET = 50_000;
const MB = 1024 * 1024;

interface Phase {
  seconds: number;
  rate: number;
  /** RSS when the phase started and its peak during the phase, in MB. */
  rssBefore: number;
  rssPeak: number;
}

/** Runs `work`, sampling RSS every 20 ms; `count` events were processed when it resolves. */
async function measure(count: number, work: () => Promise<unknown>): Promise<Phase> {
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 20);
  const started = process.hrtime.bigint();
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  return { seconds, rate: count / seconds, rssBefore: rssBefore / MB, rssPeak: rssPeak / MB };
}

async function seed(store: PostgresEventStore): Promise<void> {
  let next = 0;
  const appends = EVENTS / APPEND_SIZE;
  await Promise.all(
    Array.from({ length: SEED_WRITERS }, async () => {
      for (let append = next++; append < appends; append = next++) {
        const userId = `bench-${append % STREAMS}`;
        const events = Array.from({ length: APPEND_SIZE }, (_, index) =>
          creditGrantedEvent(userId, index + 1),
        );
        await store.append(creditAccountStream(userId), events, 'any');
      }
    }),
  );
}

async function main(): Promise<void> {
  const database = await createBenchDatabase();
  const workDir = await mkdtemp(join(tmpdir(), 'audit-bench-'));
  const dataSource = await openDatabase(database.url, { poolSize: 2 });
  await dataSource.destroy();
  const store = new PostgresEventStore(database.url);
  const pool = new Pool({ connectionString: database.url, max: 4 });
  try {
    const key = loadAuditSigningKey({ DATA_DIR: workDir });
    const recorded = new RecordedDigests(pool, store);
    const seedStarted = Date.now();
    await seed(store);
    console.log(`seeded ${thousands(EVENTS)} events in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);
    const total = EVENTS + 1;
    const signing = await measure(EVENTS, () =>
      new DigestSigner(pool, store, key, { recorded }).sign({ actor: 'bench', source: 'bench' }),
    );
    const digest = await new DigestSigner(pool, store, key, { recorded }).sign({
      actor: 'bench',
      source: 'bench',
    });
    const document = await new DigestSigner(pool, store, key, { recorded }).document(digest);

    const file = join(workDir, 'log.ndjson');
    const exporting = await measure(total + 1, async () => {
      const out = createWriteStream(file);
      await exportEventLog(store, out, {});
      out.end();
      await finished(out);
    });
    const fileMb = (await stat(file)).size / MB;

    const verifier = new EventLogVerifier(store, pool, recorded, {
      publicKey: key.publicKey,
      keyId: key.keyId,
      pinned: true,
    });
    let verified = 0;
    const verifying = await measure(total + 1, async () => {
      const report = await verifier.verify();
      if (!report.ok)
        throw new Error(`verification found problems: ${JSON.stringify(report.problems.slice(0, 3))}`);
      verified = report.events;
    });
    const offline = await measure(total + 1, async () => {
      const report = await verifyExportFile(file, document, key.publicKeyPem);
      if (!report.ok)
        throw new Error(
          `offline verification found problems: ${JSON.stringify(report.problems.slice(0, 3))}`,
        );
    });

    const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');
    const memory = (phase: Phase): string =>
      `RSS ${phase.rssBefore.toFixed(0)} → peak ${phase.rssPeak.toFixed(0)} MB`;
    const rows = [
      `| export ${thousands(verified)} events to NDJSON (${fileMb.toFixed(0)} MB) | ${thousands(exporting.rate)} events/s (${exporting.seconds.toFixed(1)} s, ${memory(exporting)}) | >= ${thousands(EXPORT_TARGET)}/s: ${verdict(exporting.rate >= EXPORT_TARGET)} |`,
      `| full verification in the database: every chain + the signed digest's ${STREAMS + 1} heads | ${thousands(verifying.rate)} events/s (${verifying.seconds.toFixed(1)} s, ${memory(verifying)}) | >= ${thousands(VERIFY_TARGET)}/s: ${verdict(verifying.rate >= VERIFY_TARGET)} |`,
      `| offline verification of the export against the digest (no database) | ${thousands(offline.rate)} events/s (${offline.seconds.toFixed(1)} s, ${memory(offline)}) | — |`,
      `| signing a digest of every stream head | ${signing.seconds.toFixed(2)} s | — |`,
    ];
    const machine = await describeMachine(database.url);
    console.log(['', machine, ...rows].join('\n'));
    console.log(
      JSON.stringify({
        benchmark: 'audit-export-verify',
        events: verified,
        exporting,
        verifying,
        offline,
        signing,
      }),
    );
    await writeBenchmarksSection('Audit export and verification', [
      '```sh',
      `DATABASE_URL=postgres://… ${COMMAND}`,
      '```',
      '',
      `${machine} · ${thousands(EVENTS)} credit events over ${thousands(STREAMS)} streams, appended through the store.`,
      '',
      '| measurement | result | target |',
      '|---|---|---|',
      ...rows,
      '',
      'Each phase samples the process RSS every 20 ms; "memory flat" means the peak stays near the RSS the ' +
        'phase started with, whatever the number of events: export and verification read through a ' +
        'server-side cursor 5,000 rows at a time and the export waits for the file to drain, so at most ' +
        'one batch is in memory. Verification recomputes every content hash (canonical JSON, SHA-256) and ' +
        'every link in JavaScript from the stored rows.',
    ]);
  } finally {
    await store.close();
    await pool.end();
    await database.drop();
    await rm(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
