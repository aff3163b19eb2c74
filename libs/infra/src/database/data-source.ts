import { hostname } from 'node:os';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { PLATFORM_TABLES } from '@ops/infra/read-models';
import { MIGRATIONS } from './migrations';

/**
 * The `application_name` of a process's sessions: which process holds a lock is then one look at
 * `pg_stat_activity` away (`npm run projector -- status` shows who runs each projection so).
 * PostgreSQL keeps 63 bytes of it.
 */
export function sessionName(pid = process.pid, host = hostname()): string {
  return `ops-center:${pid}@${host}`.slice(0, 63);
}

/** The TypeORM connection for read models and migrations (the event store adapter has its own pool). */
export function databaseOptions(url: string, options: { poolSize?: number } = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: PLATFORM_TABLES,
    migrations: MIGRATIONS,
    synchronize: false,
    logging: false,
    applicationName: sessionName(),
    extra: { max: options.poolSize ?? 10 },
  };
}

/** Brings the schema up to date; safe when several processes start at once. */
export async function migrate(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    // Two processes starting together must not both run the same migration.
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', ['ops-center:migrations']);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner
      .query('SELECT pg_advisory_unlock(hashtext($1))', ['ops-center:migrations'])
      .catch(() => undefined);
    await runner.release();
  }
}

/** Connects and migrates: for CLIs, tests and benchmarks that run without Nest. */
export async function openDatabase(url: string, options: { poolSize?: number } = {}): Promise<DataSource> {
  const dataSource = await new DataSource(databaseOptions(url, options)).initialize();
  await migrate(dataSource);
  return dataSource;
}
