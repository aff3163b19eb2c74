import type { UsageDimension } from '../dto/usage-query.dto';
import type { UsageRange } from '../usage-range';

type Source = 'daily' | 'log';

/** SQL for each group key; only these fixed fragments are ever spliced into a statement. */
const KEY_SQL: Record<Source, Record<UsageDimension | 'user_id', string>> = {
  daily: { user_id: 'user_id', day: "to_char(day, 'YYYY-MM-DD')", provider: 'provider', model: 'model' },
  log: {
    user_id: 'user_id',
    day: "to_char((occurred_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD')",
    provider: 'provider',
    model: 'model',
  },
};

/** Columns both usage tables keep per request and the report sums as they are. */
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

export interface UsageStatement {
  sql: string;
  parameters: unknown[];
}

/**
 * A range of whole UTC days reads usage_daily (rows per day and group, not per request); any other
 * range reads usage_log, which has each request's exact time.
 */
export function usageStatement(
  range: UsageRange,
  userId: string | null,
  keys: readonly (UsageDimension | 'user_id')[],
  limit?: number,
): UsageStatement {
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
