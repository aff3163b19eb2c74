import { Counter, Registry } from 'prom-client';
import request from 'supertest';
import { eventually } from '../support/app';
import { startGatewayApp, type GatewayTestApp } from '../support/gateway';

/**
 * Tight limits so a suite can reach them: the free tier's keys get less than their user. Bursts are
 * sent at once: a bucket of 10 a minute regains one request every 6 s, far longer than a burst takes
 * to arrive, however slow the machine.
 */
const LIMITS = {
  free: {
    user: { requests_per_minute: 10, concurrent_requests: 20 },
    key: { requests_per_minute: 6, concurrent_requests: 20 },
  },
  starter: {
    user: { requests_per_minute: 100, concurrent_requests: 3 },
    key: { requests_per_minute: 100, concurrent_requests: 3 },
  },
};

const RATE_LIMIT_HEADERS = [
  'x-ratelimit-limit-requests',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-reset-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-tokens',
];

const DURATION = /^(\d+h)?(\d+m)?(\d+(\.\d+)?s|\d+ms)$/;

/**
 * Item 9 of issue 10, as an attacker tries it: a burst beyond the requests per minute, more requests in
 * flight than allowed, a second key to dodge the first key's limit, and a flood of refused requests
 * that used to append an event each.
 */
describe('LLM gateway rate and concurrency limits', () => {
  let gateway: GatewayTestApp;

  beforeAll(async () => {
    gateway = await startGatewayApp({ LLM_RATE_LIMITS: JSON.stringify(LIMITS) });
  });
  afterAll(async () => gateway?.close());

  const ask = (bearer: string, body: Record<string, unknown> = {}, signal?: AbortSignal) =>
    fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        max_tokens: 20,
        messages: [{ role: 'user', content: 'Say hello' }],
        ...body,
      }),
      signal,
    });

  function expectLimitHeaders(response: Response): void {
    for (const header of RATE_LIMIT_HEADERS) expect(response.headers.get(header)).not.toBeNull();
    expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(DURATION);
    expect(response.headers.get('x-ratelimit-reset-tokens')).toMatch(DURATION);
  }

  async function expectRateLimited(response: Response, type: string, scope: string): Promise<void> {
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({
      error: {
        message: expect.stringContaining(`this ${scope}`),
        type,
        param: null,
        code: 'rate_limit_exceeded',
      },
    });
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expectLimitHeaders(response);
  }

  async function issueKey(user: string): Promise<string> {
    const issued = await request(gateway.app.getHttpServer())
      .post('/api/v1/llm/api-keys')
      .set('Authorization', `Bearer ${gateway.token(user, 'user')}`)
      .send({ name: `key ${Math.random()}` })
      .expect(201);
    const key = issued.body.key as string;
    // A new key authenticates once its projection has it; the usage route is outside the limits.
    await eventually(async () => {
      const response = await request(gateway.app.getHttpServer())
        .get('/api/v1/llm/usage')
        .set('Authorization', `Bearer ${key}`);
      expect(response.status).toBe(200);
    });
    return key;
  }

  function refusals(status: number, reason: string): Promise<number> {
    const counter = gateway.app.get(Registry).getSingleMetric('llm_gateway_refusals_total') as Counter;
    return counter
      .get()
      .then(
        ({ values }) =>
          values.find((value) => value.labels.status === String(status) && value.labels.reason === reason)
            ?.value ?? 0,
      );
  }

  it('answers a burst beyond the requests per minute with 429, retry-after and the headers', async () => {
    await gateway.fund('burst', 1_000_000n);
    const token = gateway.token('burst', 'user');
    const before = await refusals(429, 'rate_limit_exceeded');
    const upstreamBefore = gateway.upstreams.openai.requests.length;
    const responses = await Promise.all(Array.from({ length: 15 }, () => ask(token)));
    const served = responses.filter((response) => response.status === 200);
    expect(served).toHaveLength(10);
    for (const response of served) {
      expectLimitHeaders(response);
      expect(response.headers.get('x-ratelimit-limit-requests')).toBe('10');
      expect(Number(response.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThan(100_000);
    }
    // Each admitted request saw what it left: 9 down to 0.
    expect(
      served.map((response) => Number(response.headers.get('x-ratelimit-remaining-requests'))).sort(),
    ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const refused = responses.filter((response) => response.status !== 200);
    expect(refused).toHaveLength(5);
    for (const response of refused) {
      await expectRateLimited(response, 'requests', 'user');
      expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
      expect(Number(response.headers.get('retry-after'))).toBeLessThanOrEqual(6);
    }
    // The refused requests never reached a provider.
    expect(gateway.upstreams.openai.requests.length).toBe(upstreamBefore + 10);
    expect(await refusals(429, 'rate_limit_exceeded')).toBe(before + 5);
  });

  it('sends the headers on streams, errors and the model list, which uses no budget', async () => {
    await gateway.fund('watcher', 1_000_000n);
    const token = gateway.token('watcher', 'user');
    const stream = await ask(token, { stream: true });
    expect(stream.status).toBe(200);
    expectLimitHeaders(stream);
    await stream.text();

    const badRequests = await refusals(400, 'invalid_request_error');
    const invalid = await ask(token, { temperature: 'hot' });
    expect(invalid.status).toBe(400);
    expectLimitHeaders(invalid);
    expect(await refusals(400, 'invalid_request_error')).toBe(badRequests + 1);

    const unknownModel = await ask(token, { model: 'no-such-model' });
    expect(unknownModel.status).toBe(404);
    expectLimitHeaders(unknownModel);

    for (let index = 0; index < 3; index++) {
      const models = await fetch(`${gateway.url}/v1/models`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(models.status).toBe(200);
      expectLimitHeaders(models);
      expect(models.headers.get('x-ratelimit-remaining-requests')).toBe('7');
    }
  });

  it('lets through only as many requests at once as the concurrency limit, and frees the slots', async () => {
    await gateway.fund('parallel', 1_000_000n);
    await gateway.setPlan('parallel', { tier: 'starter' });
    const token = gateway.token('parallel', 'user');
    const openai = gateway.upstreams.openai;
    openai.reset();
    openai.enqueue(...Array.from({ length: 5 }, () => ({ delayMs: 1_500 })));
    const responses = await Promise.all(Array.from({ length: 5 }, () => ask(token)));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    for (const response of responses.filter((candidate) => candidate.status === 429)) {
      await expectRateLimited(response, 'concurrent_requests', 'user');
    }
    expect(openai.requests).toHaveLength(3);
    openai.reset();

    // Slots come back however a request ends: an upstream error, a finished stream, a client gone.
    openai.enqueue({ status: 400 }, { status: 400 }, { status: 400 });
    for (let index = 0; index < 3; index++) expect((await ask(token)).status).toBe(400);
    for (let index = 0; index < 3; index++) await (await ask(token, { stream: true })).text();
    openai.enqueue(...Array.from({ length: 3 }, () => ({ chunkDelayMs: 300 })));
    for (let index = 0; index < 3; index++) {
      const abort = new AbortController();
      const stream = await ask(token, { stream: true }, abort.signal);
      const reader = stream.body!.getReader();
      await reader.read();
      abort.abort();
      await reader.read().catch(() => undefined);
    }
    await eventually(async () => {
      expect(openai.requests.filter((upstream) => upstream.outcome === 'aborted')).toHaveLength(3);
      const together = await Promise.all(Array.from({ length: 3 }, () => ask(token)));
      expect(together.map((response) => response.status)).toEqual([200, 200, 200]);
    });
  });

  it('keeps each key’s limit apart, while the user’s limit covers all of its keys', async () => {
    await gateway.fund('two-keys', 1_000_000n);
    const [first, second] = [await issueKey('two-keys'), await issueKey('two-keys')];
    const burst = (bearer: string, count: number) =>
      Promise.all(Array.from({ length: count }, () => ask(bearer)));
    const statusesOf = (responses: Response[]) => responses.map((response) => response.status).sort();

    const onFirst = await burst(first, 8);
    expect(statusesOf(onFirst)).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    for (const response of onFirst.filter((candidate) => candidate.status === 429)) {
      await expectRateLimited(response, 'requests', 'API key');
    }

    // The second key has a budget of its own, but the user has only 10 requests a minute in all.
    const onSecond = await burst(second, 8);
    expect(statusesOf(onSecond)).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
    for (const response of onSecond.filter((candidate) => candidate.status === 429)) {
      await expectRateLimited(response, 'requests', 'user');
    }
    await expectRateLimited(await ask(gateway.token('two-keys', 'user')), 'requests', 'user');

    // Another user is untouched by all of it.
    await gateway.fund('bystander', 1_000_000n);
    expect((await ask(await issueKey('bystander'))).status).toBe(200);
  });

  it('counts 1,000 refused requests in the metric and appends no event for them', async () => {
    // Enterprise limits are far above the flood: every request reaches the credit check and is refused there.
    await gateway.setPlan('broke', { tier: 'enterprise' });
    const token = gateway.token('broke', 'user');
    const eventsBefore = await gateway.countEvents();
    const metricBefore = await refusals(402, 'insufficient_credits');
    for (let batch = 0; batch < 20; batch++) {
      const responses = await Promise.all(Array.from({ length: 50 }, () => ask(token)));
      for (const response of responses) {
        expect(response.status).toBe(402);
        expectLimitHeaders(response);
        await response.text();
      }
    }
    expect(await gateway.countEvents()).toBe(eventsBefore);
    expect(await refusals(402, 'insufficient_credits')).toBe(metricBefore + 1_000);
  });
});
