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
  private constructor(
    private readonly client: Client,
    private readonly url: string,
  ) {}

  static async open(url: string): Promise<DatabaseWork> {
    const client = new Client({ connectionString: url });
    await client.connect();
    return new DatabaseWork(client, url);
  }

  /** The counters once every backend has published its work so far (this query counts one commit). */
  async counters(): Promise<DatabaseCounters> {
    await sleep(STATISTICS_FLUSH_MS);
    return this.read();
  }

  /**
   * Waits until the counters stop moving but for the node's idle pace (at most `idleCommits` a second
   * besides this reading's own), up to `timeoutMs`: a backend whose stats lock was contended publishes
   * its earlier work late, which would otherwise land in the next measured window.
   */
  async quiesce(idleCommits = 1, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let previous = await this.read();
    while (Date.now() < deadline) {
      await sleep(1_000);
      const current = await this.read();
      if (current.xact_commit - previous.xact_commit <= idleCommits + 1) return;
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

  /**
   * Has PostgreSQL do now the upkeep the load left it (vacuum and statistics of the rows written),
   * which autovacuum would otherwise do inside a measured window and count as the node's commits.
   */
  async vacuum(): Promise<void> {
    // On a connection of its own: a backend publishes its statistics when it ends, so the vacuum's
    // own transactions are counted before the window opens, not (up to 10 s later) inside it.
    const vacuuming = new Client({ connectionString: this.url });
    await vacuuming.connect();
    try {
      await vacuuming.query('VACUUM (ANALYZE)');
    } finally {
      await vacuuming.end();
    }
    await this.quiesce();
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
