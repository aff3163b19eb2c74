import { refusal } from '../local-users/testing';
import {
  admissionTokens,
  admit,
  DEFAULT_RATE_LIMITS,
  formatDuration,
  isIdle,
  parseRateLimits,
  rateLimitHeaders,
  release,
  UNUSED,
  type LimitScope,
  type LimitUsage,
  type RateLimit,
} from './rate-limits';

const LIMIT: RateLimit = { requestsPerMinute: 60, tokensPerMinute: 6_000, concurrentRequests: 2 };

function scope(usage: LimitUsage = UNUSED, limit: RateLimit = LIMIT, name = 'API key'): LimitScope {
  return { name, limit, usage };
}

/** Admits `count` requests at `now`, each costing `tokens`, and returns the usage after the last. */
function fill(count: number, tokens: number, now: number, limit: RateLimit = LIMIT): LimitUsage {
  let usage = UNUSED;
  for (let index = 0; index < count; index++) {
    const admission = admit([scope(usage, limit)], tokens, now);
    if (!admission.admitted) throw new Error(`request ${index} refused: ${admission.message}`);
    usage = release(scope(admission.usages[0], limit), tokens, tokens, now);
  }
  return usage;
}

describe('rate limits', () => {
  describe('requests per minute', () => {
    it('admit a minute’s worth at once, then refuse until one request’s share has drained', () => {
      const usage = fill(60, 1, 1_000);
      const refused = admit([scope(usage)], 1, 1_000);
      expect(refused).toMatchObject({ admitted: false, dimension: 'requests', retryAfterMs: 1_000 });
      expect(admit([scope(usage)], 1, 1_999).admitted).toBe(false);
      expect(admit([scope(usage)], 1, 2_000).admitted).toBe(true);
    });

    it('name the scope and the wait in the refusal', () => {
      const refused = admit([scope(fill(60, 1, 0))], 1, 0);
      expect(refused.admitted === false && refused.message).toBe(
        'Rate limit reached for this API key on requests per minute: limit 60. Please try again in 1s.',
      );
    });

    it('use nothing when they refuse, so hammering does not extend the wait', () => {
      const usage = fill(60, 1, 0);
      for (let index = 0; index < 100; index++) expect(admit([scope(usage)], 1, 500).admitted).toBe(false);
      expect(admit([scope(usage)], 1, 1_000).admitted).toBe(true);
    });
  });

  describe('tokens per minute', () => {
    it('admit on the estimate and refuse what would pass the limit, with the wait until it fits', () => {
      const admitted = admit([scope()], 5_000, 0);
      if (!admitted.admitted) throw new Error('refused');
      const refused = admit([scope(admitted.usages[0])], 2_000, 0);
      expect(refused).toMatchObject({ admitted: false, dimension: 'tokens', retryAfterMs: 10_000 });
    });

    it('take the real usage in place of the estimate when the request ends', () => {
      const admitted = admit([scope()], 5_000, 0);
      if (!admitted.admitted) throw new Error('refused');
      const settled = release(scope(admitted.usages[0]), 5_000, 100, 0);
      expect(settled).toMatchObject({ tokens: 100, inFlight: 0 });
      expect(admit([scope(settled)], 5_000, 0).admitted).toBe(true);
      const overran = release(scope(admitted.usages[0]), 5_000, 9_000, 0);
      expect(overran.tokens).toBe(9_000);
      expect(admit([scope(overran)], 1, 0)).toMatchObject({ admitted: false, dimension: 'tokens' });
    });

    it('refuse outright a request larger than a whole minute’s budget', () => {
      const refused = admit([scope()], 6_001, 0);
      expect(refused).toMatchObject({ admitted: false, dimension: 'tokens' });
      expect(refused.admitted === false && refused.message).toMatch(/Request too large/);
    });
  });

  describe('concurrent requests', () => {
    it('refuse a request beyond the slots in flight, and admit again once one is released', () => {
      let usage = UNUSED;
      for (let index = 0; index < 2; index++) {
        const admission = admit([scope(usage)], 1, 0);
        if (!admission.admitted) throw new Error('refused');
        usage = admission.usages[0];
      }
      expect(admit([scope(usage)], 1, 0)).toMatchObject({
        admitted: false,
        dimension: 'concurrent_requests',
        retryAfterMs: 1_000,
      });
      expect(admit([scope(release(scope(usage), 1, 1, 0))], 1, 0).admitted).toBe(true);
    });
  });

  describe('several scopes', () => {
    const userLimit: RateLimit = { requestsPerMinute: 3, tokensPerMinute: 6_000, concurrentRequests: 10 };
    const keyLimit: RateLimit = { requestsPerMinute: 2, tokensPerMinute: 6_000, concurrentRequests: 10 };

    it('admit only what fits every scope, and charge each of them', () => {
      let user = UNUSED;
      let keyA = UNUSED;
      let keyB = UNUSED;
      const ask = (key: LimitUsage) =>
        admit([scope(key, keyLimit, 'API key'), scope(user, userLimit, 'user')], 1, 0);
      for (const which of ['a', 'a', 'b'] as const) {
        const admission = ask(which === 'a' ? keyA : keyB);
        if (!admission.admitted) throw new Error('refused');
        if (which === 'a') keyA = admission.usages[0];
        else keyB = admission.usages[0];
        user = admission.usages[1];
      }
      // Key a is spent; key b has room of its own, but the user's budget covers both keys.
      expect(ask(keyA)).toMatchObject({ admitted: false, message: expect.stringContaining('API key') });
      expect(ask(keyB)).toMatchObject({ admitted: false, message: expect.stringContaining('this user') });
    });

    it('report in the headers the scope with the least left', () => {
      const admission = admit(
        [scope(UNUSED, keyLimit, 'API key'), scope(fill(2, 1_000, 0, userLimit), userLimit, 'user')],
        500,
        0,
      );
      if (!admission.admitted) throw new Error('refused');
      const headers = rateLimitHeaders(
        [scope(admission.usages[0], keyLimit), scope(admission.usages[1], userLimit)],
        0,
      );
      expect(headers).toEqual({
        'x-ratelimit-limit-requests': '3',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '1m0s',
        'x-ratelimit-limit-tokens': '6000',
        'x-ratelimit-remaining-tokens': '3500',
        'x-ratelimit-reset-tokens': '25s',
      });
    });
  });

  it('report a fresh scope as full, resetting now', () => {
    expect(rateLimitHeaders([scope()], 5)).toEqual({
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '60',
      'x-ratelimit-reset-requests': '0s',
      'x-ratelimit-limit-tokens': '6000',
      'x-ratelimit-remaining-tokens': '6000',
      'x-ratelimit-reset-tokens': '0s',
    });
  });

  it('forget a scope only once nothing is in flight and its buckets have drained', () => {
    const admission = admit([scope()], 600, 0);
    if (!admission.admitted) throw new Error('refused');
    expect(isIdle(admission.usages[0], LIMIT, 60_000)).toBe(false);
    const done = release(scope(admission.usages[0]), 600, 600, 0);
    expect(isIdle(done, LIMIT, 5_000)).toBe(false);
    expect(isIdle(done, LIMIT, 6_000)).toBe(true);
  });

  it('estimate a request on every byte of its body plus its output budget', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: 'x'.repeat(3_000) }] };
    const base = admissionTokens(body, 0);
    expect(base).toBeGreaterThanOrEqual(1_000);
    expect(admissionTokens(body, 512)).toBe(base + 512);
    // A client's own limit replaces the default budget; one that is not a positive integer does not.
    const capped = { ...body, max_tokens: 7 };
    expect(admissionTokens(capped, 512)).toBe(admissionTokens(capped, 99_999));
    expect(admissionTokens(capped, 512)).toBeLessThan(base + 20);
    const bogus = { ...body, max_tokens: -5 };
    expect(admissionTokens(bogus, 512)).toBeGreaterThan(base + 512);
    expect(admissionTokens('not an object', 10)).toBeGreaterThan(10);
  });

  it('format durations as OpenAI’s headers do', () => {
    expect(
      [0, 12, 999, 1_000, 1_500, 20_160, 60_000, 360_000, 61_234, 3_600_000].map(formatDuration),
    ).toEqual(['0s', '12ms', '999ms', '1s', '1.5s', '20.16s', '1m0s', '6m0s', '1m1.234s', '1h0m0s']);
  });

  describe('configuration', () => {
    it('merges overrides over the defaults', () => {
      const policy = parseRateLimits(
        JSON.stringify({ free: { user: { requests_per_minute: 20 }, key: { concurrent_requests: 2 } } }),
      );
      expect(policy.free.user).toEqual({ ...DEFAULT_RATE_LIMITS.free.user, requestsPerMinute: 20 });
      expect(policy.free.key).toEqual({ ...DEFAULT_RATE_LIMITS.free.key, concurrentRequests: 2 });
      expect(policy.starter).toEqual(DEFAULT_RATE_LIMITS.starter);
      expect(parseRateLimits('{}')).toEqual(DEFAULT_RATE_LIMITS);
    });

    it.each([
      ['not JSON', '{', 'rate_limits'],
      ['an array', '[]', 'rate_limits'],
      ['an unknown tier', '{"gold": {}}', 'rate_limits'],
      ['an unknown scope', '{"free": {"org": {}}}', 'rate_limits.free'],
      ['an unknown field', '{"free": {"user": {"rpm": 5}}}', 'rate_limits.free.user'],
      ['zero', '{"free": {"user": {"requests_per_minute": 0}}}', 'rate_limits.free.user.requests_per_minute'],
      [
        'a fraction',
        '{"free": {"key": {"tokens_per_minute": 1.5}}}',
        'rate_limits.free.key.tokens_per_minute',
      ],
      [
        'a string',
        '{"free": {"key": {"concurrent_requests": "5"}}}',
        'rate_limits.free.key.concurrent_requests',
      ],
    ])('refuses %s, naming the field', (_, json, field) => {
      const error = refusal(() => parseRateLimits(json));
      expect([error.code, error.field]).toEqual(['invalid', field]);
    });
  });
});
