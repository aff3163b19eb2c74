import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One row per finished LLM request, completed or failed. A failed request is attributed to the last
 * provider and model it tried; one refused before any upstream call has provider and model `''`.
 */
@Entity({ name: 'usage_log' })
@Index('usage_log_user_time', ['userId', 'occurredAt'])
@Index('usage_log_time', ['occurredAt'])
export class UsageLogRow {
  @PrimaryColumn({ name: 'request_id', type: 'text' })
  requestId!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ type: 'text' })
  provider!: string;

  @Column({ type: 'text' })
  model!: string;

  /** False for failed requests: RequestFailed does not say whose key the attempts used. */
  @Column({ type: 'boolean' })
  byok!: boolean;

  @Column({ type: 'text' })
  tier!: string;

  @Column({ type: 'text' })
  status!: 'completed' | 'failed';

  @Column({ name: 'input_tokens', type: 'integer' })
  inputTokens!: number;

  @Column({ name: 'output_tokens', type: 'integer' })
  outputTokens!: number;

  /** The part of `input_tokens` read from the provider's prompt cache. */
  @Column({ name: 'cache_read_tokens', type: 'integer', default: 0 })
  cacheReadTokens!: number;

  /** The part of `input_tokens` written to the provider's prompt cache. */
  @Column({ name: 'cache_write_tokens', type: 'integer', default: 0 })
  cacheWriteTokens!: number;

  /** The part of `cache_write_tokens` written for one hour. */
  @Column({ name: 'cache_write_1h_tokens', type: 'integer', default: 0 })
  cacheWrite1hTokens!: number;

  /** Web searches the provider ran for the request, each charged. */
  @Column({ name: 'web_search_requests', type: 'integer', default: 0 })
  webSearchRequests!: number;

  @Column({ name: 'cost_micros', type: 'bigint' })
  costMicros!: string;

  @Column({ name: 'list_cost_micros', type: 'bigint' })
  listCostMicros!: string;

  @Column({ name: 'latency_ms', type: 'integer' })
  latencyMs!: number;

  @Column({ type: 'boolean' })
  streamed!: boolean;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;
}
