import { EventStoreSchema1732500000000 } from '@ops/infra/database/migrations/1732500000000-event-store';
import { TamperEvidence1732500000400 } from '@ops/infra/database/migrations/1732500000400-tamper-evidence';
import { BinaryEventHashes1732500003300 } from '@ops/infra/database/migrations/1732500003300-binary-event-hashes';
import { MIGRATIONS } from '@ops/infra/database/migrations';
import { DigestChain1732500000810 } from '@ops/infra/database/migrations/1732500000810-digest-chain';
import {
  chainHash,
  contentHash,
  digestHash,
  DigestSigner,
  DIGEST_EVENT_TYPE,
  DIGEST_STREAM,
  EventLogVerifier,
  RecordedDigests,
} from '@ops/infra/event-store/integrity';
import {
  HeadsRoot,
  LEGACY_DIGEST_FORMAT,
  signDigest,
  type LegacyDigestPayload,
} from '@ops/infra/event-store/integrity/stream-heads-digest';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { appendBatchQuery, PostgresEventStore } from '@ops/infra/event-store/postgres';
import { Client } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { createTestDatabase } from '../../support/postgres';
import {
  events,
  named,
  startIntegrityFixture,
  untilVisible,
  type IntegrityFixture,
} from './integrity-fixture';

describe('tamper evidence in the PostgreSQL event store', () => {
  let fixture: IntegrityFixture;
  let sql: Client;
  let streamCounter = 0;
  const newStream = (): string => `credit-account-tamper-${++streamCounter}`;

  beforeAll(async () => {
    fixture = await startIntegrityFixture();
    sql = new Client({ connectionString: fixture.database.url });
    await sql.connect();
  });

  afterAll(async () => {
    await sql?.end();
    await fixture?.close();
  });

  it('chains every appended event to its predecessor, also within one batch and across repeated streams', async () => {
    const stream = newStream();
    const other = newStream();
    await fixture.store.append(stream, events(2), 'no_stream');
    await sql.query(
      appendBatchQuery([
        { streamName: stream, events: events(2), expected: 1n },
        { streamName: other, events: events(1), expected: 'no_stream' },
        { streamName: stream, events: events(1), expected: 3n },
      ]),
    );
    for (const name of [stream, other]) {
      let previous: string | null = null;
      const stored = await fixture.store.readStream(name);
      for (const event of stored) {
        expect(event.integrity).toEqual({
          previousHash: previous,
          hash: chainHash(previous, contentHash(event), name, event.revision),
        });
        previous = event.integrity!.hash;
      }
    }
    expect((await fixture.store.readStream(stream)).map((event) => event.revision)).toEqual([
      0n,
      1n,
      2n,
      3n,
      4n,
    ]);
  });

  it('names two swapped events as reordered', async () => {
    const stream = newStream();
    await fixture.store.append(stream, events(5), 'no_stream');
    // Through a free revision: the unique (stream, revision) key allows no direct exchange.
    await sql.query('UPDATE events SET revision = 1000 WHERE stream_name = $1 AND revision = 1', [stream]);
    await sql.query('UPDATE events SET revision = 1 WHERE stream_name = $1 AND revision = 2', [stream]);
    await sql.query('UPDATE events SET revision = 2 WHERE stream_name = $1 AND revision = 1000', [stream]);
    expect(named((await fixture.verifier.verify({ stream })).problems)).toEqual([
      `${stream}@1:reordered`,
      `${stream}@2:reordered`,
    ]);
  });

  it('refuses a digest whose stored heads or signature were changed', async () => {
    const stream = newStream();
    await fixture.store.append(stream, events(2), 'no_stream');
    await untilVisible(fixture);
    const signed = await fixture.signer.sign({ actor: 'auditor-1', source: 'test' });
    // Hiding a deletion by lowering the signed head is itself visible: the list no longer has the signed root.
    await sql.query('DELETE FROM events WHERE stream_name = $1 AND revision = 1', [stream]);
    await sql.query('UPDATE audit_digest_heads SET revision = 0, hash = $2 WHERE stream_name = $1', [
      stream,
      (await fixture.store.readStream(stream))[0].integrity!.hash,
    ]);
    const report = await fixture.verifier.verify();
    expect(report.problems.map((problem) => problem.problem)).toContain('digest_invalid');

    await sql.query(
      `UPDATE events SET data = jsonb_set(data, '{digest,stream_count}', '1') WHERE stream_name = 'audit-digests' AND data -> 'digest' ->> 'digest_id' = $1`,
      [signed.payload.digest_id],
    );
    const forged = await fixture.verifier.verify({ stream });
    expect(forged.digest?.signature_valid).toBe(false);
  });

  it('chains the events stored before the migration when it runs', async () => {
    const database = await createTestDatabase();
    try {
      const migrate = async (migrations: DataSourceOptions['migrations']): Promise<void> => {
        const dataSource = new DataSource({ type: 'postgres', url: database.url, migrations });
        await dataSource.initialize();
        await dataSource.runMigrations();
        await dataSource.destroy();
      };
      await migrate([EventStoreSchema1732500000000]);
      const legacy = new PostgresEventStore(database.url);
      await legacy.append('legacy-a', events(3), 'no_stream');
      await legacy.append('legacy-b', events(2), 'no_stream');
      const sql = new Pool({ connectionString: database.url, max: 1 });
      const { rows: unchained } = await sql.query('SELECT hash FROM events WHERE hash IS NOT NULL');
      expect(unchained).toEqual([]);

      await migrate([EventStoreSchema1732500000000, TamperEvidence1732500000400]);
      await legacy.append('legacy-a', events(1), 2n);
      // Stored as text then; today's reads expect the bytes a later migration converts them to.
      await migrate([
        EventStoreSchema1732500000000,
        TamperEvidence1732500000400,
        BinaryEventHashes1732500003300,
      ]);
      await sql.end();
      const stored = await legacy.readStream('legacy-a');
      await legacy.close();
      let previous: string | null = null;
      for (const event of stored) {
        expect(event.integrity).toEqual({
          previousHash: previous,
          hash: chainHash(previous, contentHash(event), 'legacy-a', event.revision),
        });
        previous = event.integrity!.hash;
      }
    } finally {
      await database.drop();
    }
  });

  it('keeps legacy digests checkable across the chain migration and chains the first new digest to the last of them', async () => {
    const database = await createTestDatabase();
    const pool = new Pool({ connectionString: database.url, max: 4 });
    const migrate = async (migrations: DataSourceOptions['migrations']): Promise<void> => {
      const dataSource = new DataSource({ type: 'postgres', url: database.url, migrations });
      await dataSource.initialize();
      await dataSource.runMigrations();
      await dataSource.destroy();
    };
    const store = new PostgresEventStore(database.url);
    try {
      await migrate(MIGRATIONS.filter((migration) => migration !== DigestChain1732500000810));
      await store.append('credit-account-legacy', events(2), 'no_stream');
      // What the previous signer did: every head in a fresh list, older lists deleted.
      const legacyDigest = async (): Promise<LegacyDigestPayload> => {
        const digestId = randomUUID();
        await pool.query('DELETE FROM audit_digest_heads');
        await pool.query(
          `INSERT INTO audit_digest_heads (digest_id, stream_name, revision, hash)
           SELECT DISTINCT ON (stream_name) $1::uuid, stream_name, revision, encode(hash, 'hex') FROM events ORDER BY stream_name, revision DESC`,
          [digestId],
        );
        const root = new HeadsRoot();
        const { rows } = await pool.query<{ stream_name: string; revision: string; hash: string }>(
          `SELECT stream_name, revision::text AS revision, hash FROM audit_digest_heads ORDER BY stream_name`,
        );
        for (const row of rows) root.add({ stream: row.stream_name, revision: row.revision, hash: row.hash });
        const payload: LegacyDigestPayload = {
          format: LEGACY_DIGEST_FORMAT,
          digest_id: digestId,
          log_position: '',
          created_at: new Date().toISOString(),
          stream_count: root.count,
          heads_root: root.digest(),
          key_id: fixture.key.keyId,
        };
        const signed = signDigest(payload, fixture.key.privateKey);
        const [event] = events(1);
        await store.append(
          DIGEST_STREAM,
          [{ ...event, type: DIGEST_EVENT_TYPE, data: { digest: payload, signature: signed.signature } }],
          'any',
        );
        return payload;
      };
      await legacyDigest();
      const last = await legacyDigest();
      // A signer that crashed between its heads and its event.
      await pool.query(
        `INSERT INTO audit_digest_heads (digest_id, stream_name, revision, hash) VALUES ($1, 'orphan', 0, 'x')`,
        [randomUUID()],
      );

      await migrate(MIGRATIONS);
      const recorded = new RecordedDigests(pool, store);
      const trusted = { publicKey: fixture.key.publicKey, keyId: fixture.key.keyId, pinned: true };
      const verifier = new EventLogVerifier(store, pool, recorded, trusted);
      const before = await verifier.verify();
      expect(before.problems).toEqual([]);
      expect(before.digest_chain.digests_checked).toBe(2);

      const signed = await new DigestSigner(pool, store, fixture.key, { recorded, trusted }).sign({
        actor: 'auditor-1',
        source: 'test',
      });
      // Only the digest stream moved since the last legacy list.
      expect(signed.payload).toMatchObject({
        sequence: 2,
        previous_digest: digestHash(last),
        changed_count: 1,
      });
      const after = await verifier.verify();
      expect(after.problems).toEqual([]);
      expect(after.digest).toMatchObject({ digest_id: signed.payload.digest_id, heads_checked: 2 });
    } finally {
      await store.close();
      await pool.end();
      await database.drop();
    }
  });

  it('decides each append of a batch of distinct streams on its own, chaining those it appends', async () => {
    const [taken, grown, fresh] = [newStream(), newStream(), newStream()];
    await fixture.store.append(taken, events(1), 'no_stream');
    await fixture.store.append(grown, events(2), 'no_stream');
    const { rows } = await sql.query<{ ordinal: number; actual: string; next: string | null }>({
      ...appendBatchQuery([
        { streamName: taken, events: events(1), expected: 'no_stream' },
        { streamName: grown, events: events(3), expected: 1n },
        { streamName: fresh, events: events(2), expected: 'no_stream' },
      ]),
      name: undefined,
      text: `SELECT ordinal, actual_revision::text AS actual, next_revision::text AS next
               FROM append_events($1::jsonb)`,
    });
    expect(rows).toEqual([
      { ordinal: 1, actual: '0', next: null },
      { ordinal: 2, actual: '1', next: '4' },
      { ordinal: 3, actual: '-1', next: '1' },
    ]);
    for (const [name, count] of [
      [taken, 1],
      [grown, 5],
      [fresh, 2],
    ] as const) {
      const stored = await fixture.store.readStream(name);
      expect(stored).toHaveLength(count);
      let previous: string | null = null;
      for (const event of stored) {
        expect(event.integrity).toEqual({
          previousHash: previous,
          hash: chainHash(previous, contentHash(event), name, event.revision),
        });
        previous = event.integrity!.hash;
      }
    }
  });

  it('refuses an append whose events carry no content hash, so nothing unchained is stored', async () => {
    const stream = newStream();
    const [event] = events(1);
    await expect(
      sql.query(`SELECT * FROM append_events($1::jsonb)`, [
        JSON.stringify([{ stream, kind: 'any', events: [event] }]),
      ]),
    ).rejects.toThrow(/contentHash/);
    expect(await fixture.store.readStream(stream)).toEqual([]);
  });

  it('refuses a batch in which one event among hashed ones carries no content hash', async () => {
    const stream = newStream();
    const [hashed, unhashed] = events(2);
    await expect(
      sql.query(`SELECT * FROM append_events($1::jsonb)`, [
        JSON.stringify([
          { stream, kind: 'any', events: [{ ...hashed, contentHash: contentHash(hashed) }, unhashed] },
        ]),
      ]),
    ).rejects.toThrow(/contentHash/);
    expect(await fixture.store.readStream(stream)).toEqual([]);
  });
});
