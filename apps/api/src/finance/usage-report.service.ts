import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Period } from './period';

export const USAGE_COLUMNS = [
  'user_id',
  'external_subscription_id',
  'day',
  'provider',
  'model',
  'requests',
  'failed_requests',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'cache_write_1h_tokens',
  'web_search_requests',
  'cost_micros',
  'list_cost_micros',
] as const;

export type UsageReportRow = Record<(typeof USAGE_COLUMNS)[number], string>;

const SUMS = [
  'requests',
  'failed_requests',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'cache_write_1h_tokens',
  'web_search_requests',
  'cost_micros',
  'list_cost_micros',
] as const;

/** Usage per customer, day and model, from the usage_daily summary (BYOK and platform keys summed). */
@Injectable()
export class UsageReportService {
  constructor(private readonly db: DataSource) {}

  async rows(period: Period): Promise<UsageReportRow[]> {
    return this.db.query(
      `SELECT d.user_id, coalesce(s.external_subscription_id, d.user_id) AS external_subscription_id,
              to_char(d.day, 'YYYY-MM-DD') AS day, d.provider, d.model,
              sum(d.requests)::text AS requests, sum(d.failed_requests)::text AS failed_requests,
              sum(d.input_tokens)::text AS input_tokens, sum(d.output_tokens)::text AS output_tokens,
              sum(d.cache_read_tokens)::text AS cache_read_tokens,
              sum(d.cache_write_tokens)::text AS cache_write_tokens,
              sum(d.cache_write_1h_tokens)::text AS cache_write_1h_tokens,
              sum(d.web_search_requests)::text AS web_search_requests,
              sum(d.cost_micros)::text AS cost_micros, sum(d.list_cost_micros)::text AS list_cost_micros
         FROM usage_daily d LEFT JOIN lago_subscriptions s ON s.user_id = d.user_id
        WHERE d.day BETWEEN $1::date AND $2::date
        GROUP BY d.user_id, s.external_subscription_id, d.day, d.provider, d.model
        ORDER BY d.day, d.user_id, d.provider, d.model`,
      [period.from, period.to],
    );
  }

  /** Column sums over the rows, exact (bigint), as strings. */
  totals(rows: readonly UsageReportRow[]): Record<(typeof SUMS)[number], string> {
    const totals = Object.fromEntries(SUMS.map((column) => [column, 0n])) as Record<
      (typeof SUMS)[number],
      bigint
    >;
    for (const row of rows) for (const column of SUMS) totals[column] += BigInt(row[column]);
    return Object.fromEntries(SUMS.map((column) => [column, totals[column].toString()])) as Record<
      (typeof SUMS)[number],
      string
    >;
  }
}
