import { Client } from 'pg';

/** The counters of `pg_stat_database` the gateway's database work is read from. */
export interface DatabaseCounters {
  xact_commit: number;
  tup_inserted: number;
  tup_updated: number;
  tup_fetched: number;
}

const COUNTERS: readonly (keyof DatabaseCounters)[] = [
  'xact_commit',
  'tup_inserted',
  'tup_updated',
  'tup_fetched',
];

/**
 * PostgreSQL's backends publish their statistics when idle, at most once a second: waiting this long
 * after the work stopped lets every backend's counts reach `pg_stat_database`.
 */
const STATISTICS_FLUSH_MS = 2_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads the bench database's statistics and table sizes on one connection of its own. */
export class DatabaseWork {
  private constructor(private readonly client: Client) {}

  static async open(url: string): Promise<DatabaseWork> {
    const client = new Client({ connectionString: url });
    await client.connect();
    return new DatabaseWork(client);
  }

  /** The counters once every backend has published its work so far (this query counts one commit). */
  async counters(): Promise<DatabaseCounters> {
    await sleep(STATISTICS_FLUSH_MS);
    return this.read();
  }

  /**
   * Waits until the counters have stayed at the node's idle pace (at most `idleCommits` a second
   * besides this reading's own) for `quietSeconds` in a row, up to `timeoutMs`: backends publish
   * their statistics late when the statistics lock is contended, and autovacuum follows a load, so
   * either would otherwise land in the next measured window. The default outlasts PostgreSQL's
   * 10 s idle flush (PGSTAT_IDLE_INTERVAL): a pooled connection that went idle during a load holds
   * its counts until then or until its next transaction, and with 3 s a whole load's inserts were
   * seen landing in the idle window.
   */
  async quiesce(idleCommits = 1, quietSeconds = 11, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let previous = await this.read();
    let quiet = 0;
    while (quiet < quietSeconds && Date.now() < deadline) {
      await sleep(1_000);
      const current = await this.read();
      quiet = current.xact_commit - previous.xact_commit <= idleCommits + 1 ? quiet + 1 : 0;
      previous = current;
    }
  }

  private async read(): Promise<DatabaseCounters> {
    // Each statement is its own transaction, so the statistics snapshot is never a cached one.
    const { rows } = await this.client.query<Record<keyof DatabaseCounters, string>>(
      `SELECT ${COUNTERS.join(', ')} FROM pg_stat_database WHERE datname = current_database()`,
    );
    return Object.fromEntries(
      COUNTERS.map((name) => [name, Number(rows[0][name])]),
    ) as unknown as DatabaseCounters;
  }

  /** Every table's size with its indexes and TOAST, in bytes, by name. */
  async tableSizes(): Promise<Map<string, number>> {
    const { rows } = await this.client.query<{ name: string; bytes: string }>(
      `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')`,
    );
    return new Map(rows.map((row) => [row.name, Number(row.bytes)]));
  }

  /**
   * Rows each table has had inserted, updated or deleted since the statistics were reset, by name:
   * read right after `counters()`, it covers the same work.
   */
  async tableWrites(): Promise<Map<string, number>> {
    const { rows } = await this.client.query<{ name: string; rows: string }>(
      `SELECT relname AS name, n_tup_ins + n_tup_upd + n_tup_del AS rows FROM pg_stat_user_tables`,
    );
    return new Map(rows.map((row) => [row.name, Number(row.rows)]));
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

/** The counters' growth from `before` to `after`, divided by `per`. */
export function counterDelta(
  before: DatabaseCounters,
  after: DatabaseCounters,
  per: number,
): DatabaseCounters {
  return Object.fromEntries(
    COUNTERS.map((name) => [name, (after[name] - before[name]) / per]),
  ) as unknown as DatabaseCounters;
}

/** Each table's growth (bytes, rows) per request, largest first, tables that did not grow left out. */
export function growthPerRequest(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
  requests: number,
): TableGrowth[] {
  return [...after]
    .map(([table, value]) => ({ table, perRequest: (value - (before.get(table) ?? 0)) / requests }))
    .filter((row) => row.perRequest > 0)
    .sort((a, b) => b.perRequest - a.perRequest);
}

export interface TableGrowth {
  table: string;
  perRequest: number;
}
