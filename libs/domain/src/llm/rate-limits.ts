import { DomainError } from '../shared/domain-error';
import { isTier, TIERS, type Tier } from './tiers';
import { estimateTextTokens } from './token-estimate';

/*
 * The gateway's rate and concurrency limits. Each scope (a user, an API key) has three budgets:
 * requests and tokens per minute, each a leaky bucket that drains continuously at its limit per
 * minute (so a burst of a minute's worth is allowed, then one request every 60/limit seconds), and a
 * count of requests in flight. A request must fit every scope it belongs to: its key's and its
 * user's, so one leaked key cannot spend the budget of the user's other keys beyond the user's own.
 * Tokens are admitted on an estimate and corrected with the real usage when the request ends.
 *
 * Times are milliseconds on any monotonic clock the caller passes in.
 */

export interface RateLimit {
  requestsPerMinute: number;
  tokensPerMinute: number;
  concurrentRequests: number;
}

export interface TierRateLimits {
  user: RateLimit;
  key: RateLimit;
}

export type RateLimitPolicy = Readonly<Record<Tier, TierRateLimits>>;

function both(limit: RateLimit): TierRateLimits {
  return { user: limit, key: limit };
}

/** A key may use all of its user's budget by default; an operator can set keys lower. */
export const DEFAULT_RATE_LIMITS: RateLimitPolicy = {
  free: both({ requestsPerMinute: 60, tokensPerMinute: 100_000, concurrentRequests: 5 }),
  starter: both({ requestsPerMinute: 300, tokensPerMinute: 400_000, concurrentRequests: 20 }),
  professional: both({ requestsPerMinute: 1_000, tokensPerMinute: 2_000_000, concurrentRequests: 50 }),
  enterprise: both({ requestsPerMinute: 5_000, tokensPerMinute: 10_000_000, concurrentRequests: 200 }),
};

const SCOPES = ['user', 'key'] as const;
const LIMIT_FIELDS = {
  requests_per_minute: 'requestsPerMinute',
  tokens_per_minute: 'tokensPerMinute',
  concurrent_requests: 'concurrentRequests',
} as const satisfies Record<string, keyof RateLimit>;
const MAX_LIMIT = 1_000_000_000;

/**
 * An operator's overrides, merged over the defaults: `{"free": {"user": {"requests_per_minute": 20},
 * "key": {"concurrent_requests": 2}}}`. Any tier, scope or field may be left out; unknown ones are
 * refused, so a typo cannot silently leave a limit at its default.
 */
export function parseRateLimits(json: string): RateLimitPolicy {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw invalid('rate_limits', 'is not valid JSON');
  }
  const tiers = record(value, 'rate_limits', TIERS);
  const policy = { ...DEFAULT_RATE_LIMITS };
  for (const [tier, overrides] of Object.entries(tiers)) {
    if (!isTier(tier)) continue;
    const scopes = record(overrides, `rate_limits.${tier}`, SCOPES);
    const merged = { ...policy[tier] };
    for (const scope of SCOPES) {
      if (scopes[scope] === undefined) continue;
      const path = `rate_limits.${tier}.${scope}`;
      const fields = record(scopes[scope], path, Object.keys(LIMIT_FIELDS));
      const limit = { ...merged[scope] };
      for (const [field, name] of Object.entries(LIMIT_FIELDS)) {
        if (fields[field] !== undefined) limit[name] = positiveInteger(fields[field], `${path}.${field}`);
      }
      merged[scope] = limit;
    }
    policy[tier] = merged;
  }
  return policy;
}

function record(value: unknown, path: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(path, 'must be an object');
  }
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0)
    throw invalid(path, `has unknown field ${unknown[0]}; allowed: ${allowed.join(', ')}`);
  return value as Record<string, unknown>;
}

function positiveInteger(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_LIMIT) {
    throw invalid(path, `must be an integer from 1 to ${MAX_LIMIT}`);
  }
  return value;
}

function invalid(field: string, problem: string): DomainError {
  return new DomainError('invalid', `${field} ${problem}`, field);
}

/**
 * The tokens a request is admitted on, before it is validated or routed: every byte of the body as
 * sent (whatever fields it carries), plus the output it asks for, or `defaultOutputTokens` when it
 * names no limit. The real usage replaces this estimate when the request ends.
 */
export function admissionTokens(body: unknown, defaultOutputTokens: number): number {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const asked = [fields.max_completion_tokens, fields.max_tokens].find(
    (value) => typeof value === 'number' && Number.isInteger(value) && value > 0,
  ) as number | undefined;
  return estimateTextTokens(JSON.stringify(body) ?? '') + (asked ?? defaultOutputTokens);
}

/** What one scope has used, as of `at`: the buckets' levels and the requests in flight. */
export interface LimitUsage {
  requests: number;
  tokens: number;
  inFlight: number;
  at: number;
}

export const UNUSED: LimitUsage = { requests: 0, tokens: 0, inFlight: 0, at: 0 };

/** A scope as the caller sees it: `name` appears in refusal messages ("API key", "user"). */
export interface LimitScope {
  name: string;
  limit: RateLimit;
  usage: LimitUsage;
}

export type LimitDimension = 'requests' | 'tokens' | 'concurrent_requests';

export type Admission =
  | { admitted: true; usages: LimitUsage[] }
  | { admitted: false; dimension: LimitDimension; retryAfterMs: number; message: string };

const MINUTE_MS = 60_000;
/** A finished request's slot may free any moment; a client retrying after a second is reasonable. */
const CONCURRENCY_RETRY_MS = 1_000;

/** The buckets as of `now`: each has drained at its limit per minute since `usage.at`. */
export function drain(usage: LimitUsage, limit: RateLimit, now: number): LimitUsage {
  const elapsed = Math.max(0, now - usage.at);
  return {
    requests: Math.max(0, usage.requests - (elapsed * limit.requestsPerMinute) / MINUTE_MS),
    tokens: Math.max(0, usage.tokens - (elapsed * limit.tokensPerMinute) / MINUTE_MS),
    inFlight: usage.inFlight,
    at: Math.max(now, usage.at),
  };
}

interface Shortfall {
  dimension: LimitDimension;
  retryAfterMs: number;
  message: string;
}

function shortfalls(scope: LimitScope, usage: LimitUsage, tokens: number): Shortfall[] {
  const { limit, name } = scope;
  const found: Shortfall[] = [];
  const over = (used: number, cost: number, perMinute: number) =>
    Math.ceil(((used + cost - perMinute) * MINUTE_MS) / perMinute);
  if (usage.requests + 1 > limit.requestsPerMinute) {
    const retryAfterMs = over(usage.requests, 1, limit.requestsPerMinute);
    found.push({
      dimension: 'requests',
      retryAfterMs,
      message: `Rate limit reached for this ${name} on requests per minute: limit ${limit.requestsPerMinute}. Please try again in ${formatDuration(retryAfterMs)}.`,
    });
  }
  if (tokens > limit.tokensPerMinute) {
    found.push({
      dimension: 'tokens',
      retryAfterMs: MINUTE_MS,
      message: `Request too large for this ${name} on tokens per minute: limit ${limit.tokensPerMinute}, requested ${tokens} (prompt and max_tokens). Send a shorter prompt or a lower max_tokens.`,
    });
  } else if (usage.tokens + tokens > limit.tokensPerMinute) {
    const retryAfterMs = over(usage.tokens, tokens, limit.tokensPerMinute);
    found.push({
      dimension: 'tokens',
      retryAfterMs,
      message: `Rate limit reached for this ${name} on tokens per minute: limit ${limit.tokensPerMinute}, used ${Math.ceil(usage.tokens)}, requested ${tokens}. Please try again in ${formatDuration(retryAfterMs)}.`,
    });
  }
  if (usage.inFlight + 1 > limit.concurrentRequests) {
    found.push({
      dimension: 'concurrent_requests',
      retryAfterMs: CONCURRENCY_RETRY_MS,
      message: `Too many concurrent requests for this ${name}: limit ${limit.concurrentRequests}. Please try again when one has finished.`,
    });
  }
  return found;
}

/**
 * Admits a request costing an estimated `tokens` into every scope, or refuses it with the wait after
 * which every budget would have room. A refused request uses nothing, so a client that keeps
 * hammering is not locked out for longer than its own excess.
 */
export function admit(scopes: readonly LimitScope[], tokens: number, now: number): Admission {
  const current = scopes.map((scope) => drain(scope.usage, scope.limit, now));
  const refused = scopes.flatMap((scope, index) => shortfalls(scope, current[index], tokens));
  if (refused.length > 0) {
    const longest = refused.reduce((worst, next) => (next.retryAfterMs > worst.retryAfterMs ? next : worst));
    return { admitted: false, ...longest };
  }
  return {
    admitted: true,
    usages: current.map((usage) => ({
      ...usage,
      requests: usage.requests + 1,
      tokens: usage.tokens + tokens,
      inFlight: usage.inFlight + 1,
    })),
  };
}

/** The request ended: its slot frees, and its tokens are what it really used, not the estimate. */
export function release(scope: LimitScope, estimated: number, used: number, now: number): LimitUsage {
  const usage = drain(scope.usage, scope.limit, now);
  return {
    ...usage,
    tokens: Math.max(0, usage.tokens - estimated + used),
    inFlight: Math.max(0, usage.inFlight - 1),
  };
}

/** Nothing in flight and both buckets empty: the scope is as if never used and can be forgotten. */
export function isIdle(usage: LimitUsage, limit: RateLimit, now: number): boolean {
  const current = drain(usage, limit, now);
  return current.inFlight === 0 && current.requests === 0 && current.tokens === 0;
}

/**
 * OpenAI's `x-ratelimit-*` headers. Where a request belongs to several scopes, each budget reports the
 * scope with the least left, since that is the one that will refuse first. A reset is the time until
 * the bucket is empty again, in OpenAI's format (`1s`, `6m0s`, `12ms`).
 */
export function rateLimitHeaders(scopes: readonly LimitScope[], now: number): Record<string, string> {
  const current = scopes.map((scope) => ({
    limit: scope.limit,
    usage: drain(scope.usage, scope.limit, now),
  }));
  const headers: Record<string, string> = {};
  for (const [dimension, field] of [
    ['requests', 'requestsPerMinute'],
    ['tokens', 'tokensPerMinute'],
  ] as const) {
    const tightest = current
      .map(({ limit, usage }) => ({
        limit: limit[field],
        remaining: Math.max(0, Math.floor(limit[field] - usage[dimension])),
        resetMs: Math.ceil((usage[dimension] * MINUTE_MS) / limit[field]),
      }))
      .reduce((worst, next) =>
        next.remaining < worst.remaining ||
        (next.remaining === worst.remaining && next.resetMs > worst.resetMs)
          ? next
          : worst,
      );
    headers[`x-ratelimit-limit-${dimension}`] = String(tightest.limit);
    headers[`x-ratelimit-remaining-${dimension}`] = String(tightest.remaining);
    headers[`x-ratelimit-reset-${dimension}`] = formatDuration(tightest.resetMs);
  }
  return headers;
}

/** A duration as Go prints one, as OpenAI's headers do: `0s`, `12ms`, `1.5s`, `6m0s`, `1h0m0s`. */
export function formatDuration(ms: number): string {
  const whole = Math.max(0, Math.ceil(ms));
  if (whole === 0) return '0s';
  if (whole < 1_000) return `${whole}ms`;
  const hours = Math.floor(whole / 3_600_000);
  const minutes = Math.floor((whole % 3_600_000) / 60_000);
  const millis = whole % 60_000;
  const seconds = `${Math.floor(millis / 1_000)}${
    millis % 1_000
      ? `.${String(millis % 1_000)
          .padStart(3, '0')
          .replace(/0+$/, '')}`
      : ''
  }s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}
