import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** usage_log summed per user, UTC day, provider, model and BYOK: what reports and billing read. */
@Entity({ name: 'usage_daily' })
@Index('usage_daily_day', ['day'])
export class UsageDailyRow {
  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId!: string;

  /** `YYYY-MM-DD`, UTC. */
  @PrimaryColumn({ type: 'date' })
  day!: string;

  @PrimaryColumn({ type: 'text' })
  provider!: string;

  @PrimaryColumn({ type: 'text' })
  model!: string;

  @PrimaryColumn({ type: 'boolean' })
  byok!: boolean;

  /** Completed and failed together; `failed_requests` is the part that failed. */
  @Column({ type: 'bigint' })
  requests!: string;

  @Column({ name: 'failed_requests', type: 'bigint' })
  failedRequests!: string;

  @Column({ name: 'input_tokens', type: 'bigint' })
  inputTokens!: string;

  @Column({ name: 'output_tokens', type: 'bigint' })
  outputTokens!: string;

  @Column({ name: 'cache_read_tokens', type: 'bigint', default: 0 })
  cacheReadTokens!: string;

  @Column({ name: 'cache_write_tokens', type: 'bigint', default: 0 })
  cacheWriteTokens!: string;

  @Column({ name: 'cache_write_1h_tokens', type: 'bigint', default: 0 })
  cacheWrite1hTokens!: string;

  @Column({ name: 'web_search_requests', type: 'bigint', default: 0 })
  webSearchRequests!: string;

  @Column({ name: 'cost_micros', type: 'bigint' })
  costMicros!: string;

  @Column({ name: 'list_cost_micros', type: 'bigint' })
  listCostMicros!: string;
}
