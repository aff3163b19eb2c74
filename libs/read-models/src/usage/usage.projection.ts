import { Injectable } from '@nestjs/common';
import {
  asRequestCompleted,
  REQUEST_OUTCOME_SOURCES,
  type RequestCompleted,
  type RequestFailed,
} from '@ops/domain';
import type { RecordedEvent } from '@ops/infra/event-store/event-store';
import { isDomainEvent, type DomainRecordedEvent } from '@ops/infra/projections/domain-events';
import type { Projection } from '@ops/infra/projections/projection';
import { USAGE_PROJECTION } from '@ops/infra/read-models';
import type { EntityManager } from 'typeorm';

interface UsageEntry {
  requestId: string;
  userId: string;
  provider: string;
  model: string;
  byok: boolean;
  tier: string;
  status: 'completed' | 'failed';
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
  webSearchRequests: number;
  costMicros: string;
  listCostMicros: string;
  latencyMs: number;
  streamed: boolean;
  errorCode: string | null;
  occurredAt: string;
}

function completed({ data, metadata }: DomainRecordedEvent<RequestCompleted>): UsageEntry {
  return {
    requestId: data.requestId,
    userId: data.userId,
    provider: data.provider,
    model: data.model,
    byok: data.byok,
    tier: data.tier,
    status: 'completed',
    inputTokens: data.inputTokens,
    outputTokens: data.outputTokens,
    cacheReadTokens: data.cacheReadTokens ?? 0,
    cacheWriteTokens: data.cacheWriteTokens ?? 0,
    cacheWrite1hTokens: data.cacheWrite1hTokens ?? 0,
    webSearchRequests: data.webSearchRequests ?? 0,
    costMicros: data.costMicros,
    listCostMicros: data.listCostMicros,
    latencyMs: Math.round(data.latencyMs),
    streamed: data.streamed,
    errorCode: null,
    occurredAt: metadata.occurredAt,
  };
}

/**
 * A failure counts against the last provider it reached, so failure rates show per provider; one
 * refused before any upstream call (no credits, no route) has provider and model ''. Nothing was
 * charged, and the event does not say whether the attempts used the user's own key: byok is false.
 */
function failed({ data, metadata }: DomainRecordedEvent<RequestFailed>): UsageEntry {
  const last = data.attempts.at(-1);
  return {
    requestId: data.requestId,
    userId: data.userId,
    provider: last?.provider ?? '',
    model: last?.model ?? '',
    byok: false,
    tier: data.tier,
    status: 'failed',
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    webSearchRequests: 0,
    costMicros: '0',
    listCostMicros: '0',
    latencyMs: Math.round(data.latencyMs),
    streamed: false,
    errorCode: data.error.code,
    occurredAt: metadata.occurredAt,
  };
}

function toEntry(event: RecordedEvent): UsageEntry | null {
  if (isDomainEvent<RequestFailed>(event, ['RequestFailed'])) return failed(event);
  const completion = asRequestCompleted(event);
  return completion && completed(completion);
}

/**
 * usage_log (one row per finished request) and usage_daily (its sums per user, UTC day, provider,
 * model, BYOK) in one statement per batch: the daily sums add exactly the log rows this batch
 * inserted, so the two tables always agree, and a request's second terminal event counts nothing.
 */
@Injectable()
export class UsageProjection implements Projection {
  readonly name = USAGE_PROJECTION;
  readonly tables = [{ name: 'usage_log' }, { name: 'usage_daily' }];
  readonly filter = REQUEST_OUTCOME_SOURCES;

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const entries = events.map(toEntry).filter((entry) => entry !== null);
    if (entries.length === 0) return;
    const column = <K extends keyof UsageEntry>(key: K) => entries.map((entry) => entry[key]);
    await tx.query(
      `WITH inserted AS (
         INSERT INTO usage_log (request_id, user_id, provider, model, byok, tier, status, input_tokens,
                                output_tokens, cost_micros, list_cost_micros, latency_ms, streamed, error_code,
                                occurred_at, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens,
                                web_search_requests)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[],
                              $7::text[], $8::integer[], $9::integer[], $10::bigint[], $11::bigint[],
                              $12::integer[], $13::boolean[], $14::text[], $15::timestamptz[],
                              $16::integer[], $17::integer[], $18::integer[], $19::integer[])
         ON CONFLICT (request_id) DO NOTHING
         RETURNING user_id, occurred_at, provider, model, byok, status, input_tokens, output_tokens, cost_micros,
                   list_cost_micros, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens,
                   web_search_requests
       )
       INSERT INTO usage_daily AS d (user_id, day, provider, model, byok, requests, failed_requests, input_tokens,
                                     output_tokens, cost_micros, list_cost_micros, cache_read_tokens,
                                     cache_write_tokens, cache_write_1h_tokens, web_search_requests)
       SELECT user_id, (occurred_at AT TIME ZONE 'UTC')::date, provider, model, byok, count(*),
              count(*) FILTER (WHERE status = 'failed'), sum(input_tokens), sum(output_tokens),
              sum(cost_micros), sum(list_cost_micros), sum(cache_read_tokens), sum(cache_write_tokens),
              sum(cache_write_1h_tokens), sum(web_search_requests)
       FROM inserted
       GROUP BY 1, 2, 3, 4, 5
       ON CONFLICT (user_id, day, provider, model, byok) DO UPDATE SET
         requests = d.requests + EXCLUDED.requests,
         failed_requests = d.failed_requests + EXCLUDED.failed_requests,
         input_tokens = d.input_tokens + EXCLUDED.input_tokens,
         output_tokens = d.output_tokens + EXCLUDED.output_tokens,
         cache_read_tokens = d.cache_read_tokens + EXCLUDED.cache_read_tokens,
         cache_write_tokens = d.cache_write_tokens + EXCLUDED.cache_write_tokens,
         cache_write_1h_tokens = d.cache_write_1h_tokens + EXCLUDED.cache_write_1h_tokens,
         web_search_requests = d.web_search_requests + EXCLUDED.web_search_requests,
         cost_micros = d.cost_micros + EXCLUDED.cost_micros,
         list_cost_micros = d.list_cost_micros + EXCLUDED.list_cost_micros`,
      [
        column('requestId'),
        column('userId'),
        column('provider'),
        column('model'),
        column('byok'),
        column('tier'),
        column('status'),
        column('inputTokens'),
        column('outputTokens'),
        column('costMicros'),
        column('listCostMicros'),
        column('latencyMs'),
        column('streamed'),
        column('errorCode'),
        column('occurredAt'),
        column('cacheReadTokens'),
        column('cacheWriteTokens'),
        column('cacheWrite1hTokens'),
        column('webSearchRequests'),
      ],
    );
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('TRUNCATE usage_log, usage_daily');
  }
}
