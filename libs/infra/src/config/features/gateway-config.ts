import { DEFAULT_POWER_LEVEL_CEILINGS, parseMargin, parseRateLimits } from '@ops/domain';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min, ValidateBy } from 'class-validator';
import { FeatureConfig } from '../feature-config';
import { parseProblem } from '../setting-rules';

const marginProblem = (markup: unknown, byokFee: unknown) =>
  parseProblem(() => parseMargin(String(markup), String(byokFee)));
const rateLimitsProblem = (value: unknown) => parseProblem(() => parseRateLimits(String(value)));

/**
 * The LLM gateway: its catalog and price imports, upstream timeouts and attempts, credit holds and
 * stream limits, power-level budgets, input bounds, rate limits, margin and BYOK key checks. The
 * providers' own URLs and keys are ProvidersConfig's.
 */
export class GatewayConfig extends FeatureConfig {
  /** A JSON file replacing the built-in LLM model catalog. */
  @IsOptional()
  @IsString()
  LLM_CATALOG_FILE?: string;

  /**
   * Hosts a price list may be imported from by URL (comma-separated `host` or `host:port`); any other
   * is refused, so the import cannot be turned against the node's own network.
   */
  @IsString()
  LLM_PRICE_IMPORT_HOSTS = 'raw.githubusercontent.com';

  /** How long the gateway waits for an upstream's response headers before trying the next provider. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  LLM_UPSTREAM_TIMEOUT_MS = 30_000;

  /** An unsettled credit hold is released after this long (a request that never finished). */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(86_400)
  LLM_RESERVATION_TTL_SECONDS = 900;

  /**
   * A streamed completion is cut this long after its request began, and charged for what it produced,
   * so that no stream outlives its credit hold. Must be below LLM_RESERVATION_TTL_SECONDS.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_399)
  LLM_STREAM_MAX_SECONDS = 600;

  /** Providers tried per request, the first included. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10)
  LLM_MAX_ATTEMPTS = 3;

  /**
   * Each power level's cost ceiling for one request, in micro-USD: `auto` picks only models whose worst
   * case for the request (its prompt and its whole output budget, at list price) fits.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  LLM_BUDGET_ECO_MICROS = Number(DEFAULT_POWER_LEVEL_CEILINGS.eco);

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  LLM_BUDGET_BALANCED_MICROS = Number(DEFAULT_POWER_LEVEL_CEILINGS.balanced);

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  LLM_BUDGET_PRECISION_MICROS = Number(DEFAULT_POWER_LEVEL_CEILINGS.precision);

  /** Seconds between active health probes of each configured provider (0: passive health only). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600)
  LLM_HEALTH_PROBE_SECONDS = 30;

  /**
   * Longest inline image (`data:image/…;base64,…` URL, in bytes) a chat request may carry. The JSON
   * body limit (1 MB) applies as well; `https:` image URLs are bounded at 2,048 characters.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1_024)
  @Max(20_000_000)
  LLM_IMAGE_DATA_URL_MAX_BYTES = 700_000;

  /**
   * Overrides of the gateway's per-tier limits, merged over the defaults (README, "Rate and
   * concurrency limits"): `{"free": {"user": {"requests_per_minute": 20, "tokens_per_minute": 50000,
   * "concurrent_requests": 2}, "key": {…}}}`. Every tier, scope and field is optional.
   */
  @IsOptional()
  @ValidateBy({
    name: 'rateLimits',
    validator: {
      validate: (value: unknown) => rateLimitsProblem(value) === null,
      defaultMessage: (args) => rateLimitsProblem(args?.value) ?? '',
    },
  })
  LLM_RATE_LIMITS?: string;

  /** Output tokens a request is admitted on when it names no max_tokens; its real usage then replaces them. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  LLM_RATE_LIMIT_OUTPUT_TOKENS = 1_024;

  /**
   * Markup on platform-paid requests, in percent of the list price by tier (`{"free": 20, "starter": 15}`,
   * at most two decimals; a tier left out has none). Charged on top of the list price and held up front.
   */
  @ValidateBy({
    name: 'markup',
    validator: {
      validate: (value: unknown) => marginProblem(value, '0') === null,
      defaultMessage: (args) => marginProblem(args?.value, '0') ?? '',
    },
  })
  LLM_MARKUP_PERCENT = '{}';

  /** Fee on requests made with the user's own provider key, in percent of their list price (0: none). */
  @ValidateBy({
    name: 'byokFee',
    validator: {
      validate: (value: unknown) => marginProblem('{}', value) === null,
      defaultMessage: (args) => marginProblem('{}', args?.value) ?? '',
    },
  })
  LLM_BYOK_FEE_PERCENT = '0';

  /** How long a BYOK key's live check against the provider's models endpoint may take. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  BYOK_VALIDATION_TIMEOUT_MS = 5_000;
}

export function gatewayProblems(config: GatewayConfig): string[] {
  const problems: string[] = [];
  if (config.LLM_STREAM_MAX_SECONDS >= config.LLM_RESERVATION_TTL_SECONDS) {
    problems.push(
      'LLM_STREAM_MAX_SECONDS: must be below LLM_RESERVATION_TTL_SECONDS, so no stream outlives its hold',
    );
  }
  if (
    config.LLM_BUDGET_ECO_MICROS > config.LLM_BUDGET_BALANCED_MICROS ||
    config.LLM_BUDGET_BALANCED_MICROS > config.LLM_BUDGET_PRECISION_MICROS
  ) {
    // A refusal sends the client up the levels to the first that can pay: they must rise in that order.
    problems.push(
      'LLM_BUDGET_ECO_MICROS, LLM_BUDGET_BALANCED_MICROS, LLM_BUDGET_PRECISION_MICROS: must not decrease in that order',
    );
  }
  return problems;
}
