import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export const USAGE_DIMENSIONS = ['day', 'provider', 'model'] as const;
export type UsageDimension = (typeof USAGE_DIMENSIONS)[number];
type UsageKey = UsageDimension | 'user_id';

/** Columns both usage tables keep per request and every usage report sums as they are. */
const SUMMED_COLUMNS = [
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'cache_write_1h_tokens',
  'web_search_requests',
  'cost_micros',
  'list_cost_micros',
] as const;

/** What a usage report counts and sums, in the order reports show it. */
export const USAGE_MEASURES = ['requests', 'failed_requests', ...SUMMED_COLUMNS] as const;

/** Counts and sums as decimal strings (bigint sums), like every amount of money on the API. */
export type UsageMeasures = Record<(typeof USAGE_MEASURES)[number], string>;

export type UsageRow = UsageMeasures & Partial<Record<UsageKey, string>>;

/** A half-open interval of time; `wholeDays` when both ends fall on UTC midnight. */
export interface UsageRange {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
  /** Both ends fall on UTC midnight, so the daily sums answer exactly. */
  wholeDays: boolean;
}

export interface UsageRequest {
  /** Null: every user, each row naming its user. */
  readonly userId: string | null;
  readonly range: UsageRange;
  readonly groupBy: readonly UsageDimension[];
}

export interface UsageSummary {
  totals: UsageMeasures;
  rows: UsageRow[];
  /** More rows than one answer holds (MAX_USAGE_ROWS). */
  truncated: boolean;
}

/** Bounds one answer: a year of days times models times users is more than a client should take at once. */
export const MAX_USAGE_ROWS = 10_000;

/** One customer's usage of one model on one day, own keys and the platform's summed. */
export type UsageDayRow = UsageMeasures & { user_id: string; day: string; provider: string; model: string };

/** Per user id. */
export interface CompletedPerUser {
  requests: Map<string, bigint>;
  costMicros: Map<string, bigint>;
}

/** One completed request as usage_log keeps it: what re-pricing it needs. */
export interface CompletedRequestRow {
  request_id: string;
  occurred_at: Date;
  user_id: string;
  provider: string;
  model: string;
  byok: boolean;
  tier: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cache_write_1h_tokens: number;
  web_search_requests: number;
  cost_micros: string;
  list_cost_micros: string;
}

/** Requests read per query: a year of usage is paged, never held by the database at once. */
const REQUESTS_PAGE = 5_000;

type Source = 'daily' | 'log';

/** SQL for each group key; only these fixed fragments are ever spliced into a statement. */
const KEY_SQL: Record<Source, Record<UsageKey, string>> = {
  daily: { user_id: 'user_id', day: "to_char(day, 'YYYY-MM-DD')", provider: 'provider', model: 'model' },
  log: {
    user_id: 'user_id',
    day: "to_char((occurred_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD')",
    provider: 'provider',
    model: 'model',
  },
};

const SUMS_SQL = SUMMED_COLUMNS.map((column) => `coalesce(sum(${column}), 0)::text AS ${column}`).join(',\n');

const MEASURES_SQL: Record<Source, string> = {
  daily: `coalesce(sum(requests), 0)::text AS requests,
          coalesce(sum(failed_requests), 0)::text AS failed_requests,
          ${SUMS_SQL}`,
  log: `count(*)::text AS requests,
        count(*) FILTER (WHERE status = 'failed')::text AS failed_requests,
        ${SUMS_SQL}`,
};

const FROM_SQL: Record<Source, string> = {
  daily: 'usage_daily WHERE day >= $1::date AND day < $2::date',
  log: 'usage_log WHERE occurred_at >= $1 AND occurred_at < $2',
};

interface Statement {
  sql: string;
  parameters: unknown[];
}

/**
 * A range of whole UTC days reads usage_daily (rows per day and group, not per request); any other
 * range reads usage_log, which has each request's exact time.
 */
function usageStatement(
  range: UsageRange,
  userId: string | null,
  keys: readonly UsageKey[],
  limit?: number,
): Statement {
  const source: Source = range.wholeDays ? 'daily' : 'log';
  const bound = (time: Date) => (source === 'daily' ? time.toISOString().slice(0, 10) : time.toISOString());
  const parameters: unknown[] = [bound(range.from), bound(range.to)];
  let where = FROM_SQL[source];
  if (userId !== null) {
    parameters.push(userId);
    where += ` AND user_id = $${parameters.length}`;
  }
  const selected = keys.map((key) => `${KEY_SQL[source][key]} AS ${key}`);
  const grouping = keys.length > 0 ? ` GROUP BY ${keys.map((_, index) => index + 1).join(', ')}` : '';
  const ordering = keys.length > 0 ? ` ORDER BY ${keys.map((_, index) => index + 1).join(', ')}` : '';
  let sql = `SELECT ${[...selected, MEASURES_SQL[source]].join(', ')} FROM ${where}${grouping}${ordering}`;
  if (limit !== undefined) {
    parameters.push(limit);
    sql += ` LIMIT $${parameters.length}`;
  }
  return { sql, parameters };
}

@Injectable()
export class UsageQueries {
  constructor(private readonly db: DataSource) {}

  /** Usage over a range, totalled and grouped; with every user (`userId` null) each row names its user. */
  async summary({ userId, range, groupBy }: UsageRequest): Promise<UsageSummary> {
    const keys = userId === null ? (['user_id', ...groupBy] as const) : groupBy;
    const rowsStatement = usageStatement(range, userId, keys, MAX_USAGE_ROWS + 1);
    const totalsStatement = usageStatement(range, userId, []);
    const [rows, [totals]]: [UsageRow[], UsageMeasures[]] = await Promise.all([
      this.db.query(rowsStatement.sql, rowsStatement.parameters),
      this.db.query(totalsStatement.sql, totalsStatement.parameters),
    ]);
    return { totals, rows: rows.slice(0, MAX_USAGE_ROWS), truncated: rows.length > MAX_USAGE_ROWS };
  }

  /** Every customer's usage per UTC day, provider and model from `firstDay` to `lastDay` (both included). */
  perUserAndDay(firstDay: string, lastDay: string): Promise<UsageDayRow[]> {
    return this.db.query(
      `SELECT user_id, ${KEY_SQL.daily.day} AS day, provider, model, ${MEASURES_SQL.daily}
         FROM usage_daily WHERE day BETWEEN $1::date AND $2::date
        GROUP BY 1, 2, 3, 4
        ORDER BY 2, 1, 3, 4`,
      [firstDay, lastDay],
    );
  }

  /** Each user's completed requests, and what they cost, over whole UTC days `[start, end)`. */
  async completedPerUser(start: Date, end: Date): Promise<CompletedPerUser> {
    const rows: { user_id: string; requests: string; cost: string }[] = await this.db.query(
      `SELECT user_id, sum(requests - failed_requests)::text AS requests, sum(cost_micros)::text AS cost
         FROM usage_daily WHERE day >= $1::date AND day < $2::date GROUP BY user_id`,
      [start, end],
    );
    return {
      requests: new Map(rows.map((row) => [row.user_id, BigInt(row.requests)])),
      costMicros: new Map(rows.map((row) => [row.user_id, BigInt(row.cost)])),
    };
  }

  /** The completed requests of `[start, end)`, oldest first, read in pages ordered by time and id. */
  async *completedRequests(start: Date, end: Date): AsyncGenerator<CompletedRequestRow> {
    let after: [Date, string] = [new Date(0), ''];
    for (;;) {
      const page: CompletedRequestRow[] = await this.db.query(
        `SELECT request_id, occurred_at, user_id, provider, model, byok, tier, input_tokens, output_tokens,
                cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, web_search_requests,
                cost_micros::text AS cost_micros, list_cost_micros::text AS list_cost_micros
           FROM usage_log
          WHERE status = 'completed' AND occurred_at >= $1 AND occurred_at < $2
            AND (occurred_at, request_id) > ($3, $4)
          ORDER BY occurred_at, request_id
          LIMIT ${REQUESTS_PAGE}`,
        [start, end, after[0], after[1]],
      );
      yield* page;
      if (page.length < REQUESTS_PAGE) return;
      const last = page[page.length - 1];
      after = [last.occurred_at, last.request_id];
    }
  }
}
