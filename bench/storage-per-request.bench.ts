/**
 * What one gateway request leaves in the database: bytes per table (pg_total_relation_size delta / N),
 * rows inserted, updated and deleted per table (pg_stat_user_tables), and the size of each event of one request.
 * Runs the single-node product in process (as the e2e suites do) against the fake OpenAI upstream on a
 * fresh database on DATABASE_URL's server; sequential requests, measured once the projections settled.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *     npx ts-node --transpile-only -r tsconfig-paths/register bench/storage-per-request.bench.ts [N]
 */
import { Client } from 'pg';
import { startGatewayApp } from '../test/support/gateway';
import { ADMIN_URL_VARIABLE } from '../test/support/postgres';

interface TableFigures {
  bytes: number;
  inserted: number;
  updated: number;
  deleted: number;
}

async function tableFigures(db: Client): Promise<Map<string, TableFigures>> {
  // Statistics are per transaction snapshot: clear them so this reading is fresh.
  await db.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await db.query<{ name: string; bytes: string; ins: string; upd: string; del: string }>(
    `SELECT relname AS name, pg_total_relation_size(relid) AS bytes, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_del AS del
       FROM pg_stat_user_tables WHERE schemaname = 'public'`,
  );
  return new Map(
    rows.map((row) => [
      row.name,
      {
        bytes: Number(row.bytes),
        inserted: Number(row.ins),
        updated: Number(row.upd),
        deleted: Number(row.del),
      },
    ]),
  );
}

/** Each table's heap (with its TOAST) and each index, apart: where a table's bytes go. */
async function partSizes(db: Client): Promise<Map<string, number>> {
  const { rows } = await db.query<{ name: string; bytes: string }>(
    `SELECT relname || ' (heap)' AS name, pg_table_size(relid) AS bytes FROM pg_stat_user_tables WHERE schemaname = 'public'
     UNION ALL
     SELECT relname || ' ' || indexrelname, pg_relation_size(indexrelid) FROM pg_stat_user_indexes WHERE schemaname = 'public'`,
  );
  return new Map(rows.map((row) => [row.name, Number(row.bytes)]));
}

/**
 * Waits until the projections have settled: their checkpoints and the tables' write counters stop moving
 * for 11 s. (A projection's checkpoint only moves on events it subscribes to, so "at the log's head" is no
 * test; and an idle connection reports its row counts to the statistics only after 10 s.)
 */
async function settled(db: Client): Promise<void> {
  let last = '';
  for (let stableSince = Date.now(); Date.now() - stableSince < 11_000;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    await db.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await db.query<{ fingerprint: string }>(
      `SELECT (SELECT string_agg(position, ',' ORDER BY name) FROM projection_checkpoints) || '/' ||
              (SELECT sum(n_tup_ins + n_tup_upd + n_tup_del) FROM pg_stat_user_tables) AS fingerprint`,
    );
    if (rows[0].fingerprint !== last) stableSince = Date.now();
    last = rows[0].fingerprint;
  }
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 200);
  if (!process.env.DATABASE_URL)
    throw new Error('Set DATABASE_URL to a server where this user may create databases');
  // The test support creates its database on the server this variable names.
  process.env[ADMIN_URL_VARIABLE] = process.env.DATABASE_URL;
  const gateway = await startGatewayApp();
  const db = new Client({ connectionString: gateway.database.url });
  await db.connect();
  try {
    const user = 'storage-bench';
    await gateway.fund(user, 1_000_000_000n);
    // The enterprise tier's rate limit lets a few hundred requests through in a minute.
    await gateway.setPlan(user, { tier: 'enterprise' });
    const sdk = gateway.sdk(user);
    const ask = () =>
      sdk.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    // The first request creates the account's read-model rows and warms every table: not counted.
    await ask();
    await settled(db);
    const before = await tableFigures(db);
    const partsBefore = await partSizes(db);
    const firstPosition = (await db.query<{ p: string }>('SELECT max(global_position) AS p FROM events'))
      .rows[0].p;
    // (global_position is a sequence: every event of the measured requests takes a larger one.)
    for (let i = 0; i < count; i++) await ask();
    await settled(db);
    const after = await tableFigures(db);
    const partsAfter = await partSizes(db);

    const lines: string[] = [];
    let totalBytes = 0;
    let totalInserted = 0;
    let totalUpdated = 0;
    let totalDeleted = 0;
    for (const [name, end] of [...after].sort((a, b) => a[0].localeCompare(b[0]))) {
      const start = before.get(name) ?? { bytes: 0, inserted: 0, updated: 0, deleted: 0 };
      const bytes = (end.bytes - start.bytes) / count;
      const inserted = (end.inserted - start.inserted) / count;
      const updated = (end.updated - start.updated) / count;
      const deleted = (end.deleted - start.deleted) / count;
      totalBytes += bytes;
      totalInserted += inserted;
      totalUpdated += updated;
      totalDeleted += deleted;
      if (bytes === 0 && inserted === 0 && updated === 0 && deleted === 0) continue;
      lines.push(
        `${name.padEnd(24)} ${bytes.toFixed(0).padStart(7)} B ${inserted.toFixed(2).padStart(7)} ins ${updated.toFixed(2).padStart(7)} upd ${deleted.toFixed(2).padStart(7)} del`,
      );
    }
    console.log(`${count} sequential gateway requests, per request once the projections settled:`);
    for (const line of lines) console.log(`  ${line}`);
    console.log(
      `  ${'total'.padEnd(24)} ${totalBytes.toFixed(0).padStart(7)} B ${totalInserted.toFixed(2).padStart(7)} ins ${totalUpdated.toFixed(2).padStart(7)} upd ${totalDeleted.toFixed(2).padStart(7)} del`,
    );

    console.log('the same bytes by heap and index:');
    for (const [name, end] of [...partsAfter].sort((a, b) => a[0].localeCompare(b[0]))) {
      const bytes = (end - (partsBefore.get(name) ?? 0)) / count;
      if (bytes !== 0) console.log(`  ${name.padEnd(56)} ${bytes.toFixed(0).padStart(7)} B`);
    }

    // Logical size of what the log holds per request, by event type (tuple sizes, TOAST-compressed if large).
    const { rows } = await db.query<{ type: string; n: string; data: string; metadata: string; row: string }>(
      `SELECT type, count(*) AS n, avg(pg_column_size(data))::int AS data, avg(pg_column_size(metadata))::int AS metadata,
              avg(pg_column_size(e.*))::int AS row
         FROM events e WHERE global_position > $1 GROUP BY type ORDER BY type`,
      [firstPosition],
    );
    console.log('events of those requests, average bytes per event:');
    for (const row of rows)
      console.log(
        `  ${row.type.padEnd(24)} ${(Number(row.n) / count).toFixed(2)}/req  data ${row.data}  metadata ${row.metadata}  row ${row.row}`,
      );
    const sample = await db.query<{ stream_name: string; type: string; data: unknown; metadata: unknown }>(
      `SELECT stream_name, type, data, metadata FROM events WHERE global_position > $1 ORDER BY global_position LIMIT 6`,
      [firstPosition],
    );
    if (process.env.SHOW_EVENTS) for (const event of sample.rows) console.log(JSON.stringify(event));
  } finally {
    await db.end();
    await gateway.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
