import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { FeatureConfig } from '../feature-config';
import { HTTP, IsUrlOf } from '../setting-rules';

/**
 * The Lago sync (usage, wallets, subscriptions) the projector runs and finance reconciles against.
 */
export class LagoConfig extends FeatureConfig {
  /** Lago's API base, ending in `/api/v1`; with LAGO_API_KEY it turns the Lago sync on. */
  @IsOptional()
  @IsUrlOf(...HTTP)
  LAGO_API_URL?: string;

  @IsOptional()
  @IsString()
  LAGO_API_KEY?: string;

  /** Code of the Lago billable metric usage events are sent to. */
  @Matches(/^[A-Za-z0-9_.-]{1,100}$/)
  LAGO_BILLABLE_METRIC_CODE = 'llm_usage';

  /** First pause after Lago answers 429/5xx or cannot be reached; doubles up to LAGO_RETRY_MAX_MS. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(60_000)
  LAGO_RETRY_BASE_MS = 500;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(600_000)
  LAGO_RETRY_MAX_MS = 60_000;

  /** How long one Lago call may take before it counts as a network failure. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  LAGO_TIMEOUT_MS = 10_000;
}

export function lagoProblems(config: LagoConfig): string[] {
  return Boolean(config.LAGO_API_URL) === Boolean(config.LAGO_API_KEY)
    ? []
    : ['LAGO_API_URL and LAGO_API_KEY: set both to sync with Lago, or neither'];
}
