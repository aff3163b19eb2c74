/**
 * `npm run audit -- <command>`: export the event log with its hashes, verify it (in the database
 * or, offline, an exported file against a signed digest), replay an export, sign a digest now.
 * Exit codes: 0 ok, 1 verification failed (or an error), 2 usage.
 */
import 'reflect-metadata';
import { openDatabase } from '@ops/infra/database/data-source';
import { openCliDatabase } from '@ops/infra/runtime/cli-database';
import { runCli } from '@ops/infra/runtime/cli-runner';
import { Pool } from 'pg';
import { runAuditCommand, USAGE, type CliDatabase } from '../audit/integrity/cli/audit-commands';

/** The configured database (or the single node's embedded one), migrated, with a small pool. */
async function openConfiguredDatabase(
  env: NodeJS.ProcessEnv,
): Promise<CliDatabase & { close(): Promise<void> }> {
  const { config, stop } = await openCliDatabase(env);
  // Two connections: one holds the migration lock while the other migrates.
  const dataSource = await openDatabase(config.DATABASE_URL, { poolSize: 2 });
  await dataSource.destroy();
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 3 });
  return {
    pool,
    config,
    close: async () => {
      await pool.end();
      await stop();
    },
  };
}

runCli({
  name: 'audit',
  usage: USAGE,
  run: (args, env) =>
    runAuditCommand(
      args,
      { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) },
      () => openConfiguredDatabase(env),
    ),
});
