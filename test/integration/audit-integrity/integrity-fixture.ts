import { openDatabase } from '@ops/infra/database/data-source';
import type { EventStore, NewEvent } from '@ops/infra/event-store/event-store';
import { EventStoreDbEventStore } from '@ops/infra/event-store/eventstoredb';
import {
  DigestSigner,
  EventLogVerifier,
  loadAuditSigningKey,
  RecordedDigests,
  type AuditSigningKey,
  type DigestSink,
} from '@ops/infra/event-store/integrity';
import { PostgresEventStore } from '@ops/infra/event-store/postgres';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { EsdbFake } from '../../support/esdb-fake/server';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { esdbFakeTamperer, postgresTamperer, type LogTamperer } from './log-tamperer';

/** Where the log lives: PostgreSQL's events table, or the fake EventStoreDB node over gRPC. */
export type IntegrityAdapter = 'postgres' | 'eventstoredb';
export const ADAPTERS: readonly IntegrityAdapter[] = ['postgres', 'eventstoredb'];

export interface IntegrityFixture {
  adapter: IntegrityAdapter;
  database: TestDatabase;
  store: EventStore;
  /** Changes the log where its adapter keeps it. */
  tamper: LogTamperer;
  pool: Pool;
  key: AuditSigningKey;
  dataDir: string;
  signer: DigestSigner;
  verifier: EventLogVerifier;
  close(): Promise<void>;
}

/**
 * A migrated database (the digests' heads live there whatever the adapter), the store (PostgreSQL by
 * default, or EventStoreDB on a fake node), a signing key generated in a temporary DATA_DIR, a signer
 * (copying each digest to `sinks`) and a verifier that trusts that key.
 */
export async function startIntegrityFixture(
  options: { sinks?: DigestSink[]; adapter?: IntegrityAdapter } = {},
): Promise<IntegrityFixture> {
  const adapter = options.adapter ?? 'postgres';
  const database = await createTestDatabase();
  const dataSource = await openDatabase(database.url, { poolSize: 2 });
  await dataSource.destroy();
  const fake = adapter === 'eventstoredb' ? await EsdbFake.start() : null;
  const store: EventStore = fake
    ? new EventStoreDbEventStore(fake.connectionString)
    : new PostgresEventStore(database.url, { poolSize: 4 });
  const pool = new Pool({ connectionString: database.url, max: 4 });
  // As the store's own pool: `close()` drops the database right after `pool.end()`, which resolves
  // before every socket has closed, so an idle client may still hear the drop terminate its session.
  pool.on('error', () => undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'ops-integrity-'));
  const key = loadAuditSigningKey({ DATA_DIR: dataDir });
  const recorded = new RecordedDigests(pool, store);
  return {
    adapter,
    database,
    store,
    tamper: fake ? esdbFakeTamperer(fake) : postgresTamperer(pool),
    pool,
    key,
    dataDir,
    signer: new DigestSigner(pool, store, key, { recorded, sinks: options.sinks }),
    verifier: new EventLogVerifier(store, pool, recorded, {
      publicKey: key.publicKey,
      keyId: key.keyId,
      pinned: false,
    }),
    close: async () => {
      if (fake) {
        // On the fake, the client's dispose never returns once an append followed a headPosition()
        // (reported with the fake's branch): the node stops, and the close gets a bounded wait.
        await fake.stop();
        await Promise.race([store.close(), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
      } else {
        await store.close();
      }
      await pool.end();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function events(count: number, data: Record<string, unknown> = {}): NewEvent[] {
  return Array.from({ length: count }, (_, index) => ({
    id: randomUUID(),
    type: 'CreditsGranted',
    schemaVersion: 1,
    data: { amountMicros: String(1_000 + index), reason: 'test', ...data },
    metadata: {
      actor: 'alice',
      correlationId: randomUUID(),
      causationId: null,
      occurredAt: new Date().toISOString(),
      source: 'test',
    },
  }));
}

/**
 * Waits until everything appended so far is below the visible horizon: exports and digests stop at
 * the visible head, which any open transaction on the (shared) server holds back.
 */
export async function untilVisible(fixture: IntegrityFixture): Promise<void> {
  // EventStoreDB's log has no horizon: an append is readable once it is acknowledged.
  if (fixture.adapter !== 'postgres') return;
  const { rows } = await fixture.pool.query<{ position: string }>(
    `SELECT lpad(transaction_id::text, 20, '0') || ':' || lpad(global_position::text, 20, '0') AS position
       FROM events ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
  );
  const last = rows[0]?.position ?? '';
  const deadline = Date.now() + 20_000;
  while ((await fixture.store.headPosition()) < last) {
    if (Date.now() > deadline) throw new Error('the appended events never became visible');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `stream@revision:problem` lines, sorted, for compact assertions. */
export function named(
  problems: ReadonlyArray<{ stream: string; revision: string; problem: string }>,
): string[] {
  return problems.map(({ stream, revision, problem }) => `${stream}@${revision}:${problem}`).sort();
}
