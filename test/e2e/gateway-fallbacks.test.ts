import { costMicros, llmRequestStream, type UpstreamAttempt } from '@ops/domain';
import OpenAI, { APIError } from 'openai';
import request from 'supertest';
import { eventually } from '../support/app';
import { freePort } from '../support/free-port';
import { GATEWAY_TEST_CATALOG, routeOf, startGatewayApp, type GatewayTestApp } from '../support/gateway';

const TIMEOUT_MS = 1_000;
const PROMPT: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hello there, how are you?' }];
/** `large-together`'s price in GATEWAY_TEST_CATALOG, input and output alike. */
const LARGE_TOGETHER = { inputMicrosPerMillion: 880_000n, outputMicrosPerMillion: 880_000n };
/** `together says hello to large-together`: one token per word. */
const FULL_REPLY_TOKENS = 5;

type Attempt = Pick<UpstreamAttempt, 'provider' | 'model' | 'outcome' | 'status'>;

/*
 * Family `large` of GATEWAY_TEST_CATALOG is served by Groq, Together and Fireworks (cheapest first);
 * Fireworks points at a port nothing listens on. A provider's breaker trips after three failures in a
 * row, so the tests take turns at failing Groq and Together, and only the breaker test trips one.
 */
describe('LLM gateway fallbacks, breaker and streaming edges', () => {
  let gateway: GatewayTestApp;

  const sdk = () => gateway.sdk('sam');
  const ask = async (model: string) => {
    const { data, response } = await sdk()
      .chat.completions.create({ model, messages: PROMPT })
      .withResponse();
    return { data, route: routeOf(response.headers) };
  };
  const failure = (model: string) =>
    sdk()
      .chat.completions.create({ model, messages: PROMPT })
      .then(
        () => {
          throw new Error('the request should have failed');
        },
        (error: unknown) => error as APIError,
      );
  const attemptsOf = (attempts: UpstreamAttempt[] | undefined): Attempt[] =>
    (attempts ?? []).map(({ provider, model, outcome, status }) => ({ provider, model, outcome, status }));
  const requestIdOf = (error: APIError) => error.headers?.get('x-ops-request-id') ?? '';

  /** The account is as it was, and holds nothing. */
  const expectUntouched = async (before: Record<string, unknown>) => {
    expect(await gateway.account('sam')).toMatchObject({
      balance_micros: before.balance_micros,
      reserved_micros: '0',
      open_reservations: 0,
    });
  };

  beforeAll(async () => {
    gateway = await startGatewayApp(
      {
        LLM_UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS),
        FIREWORKS_BASE_URL: `http://127.0.0.1:${await freePort()}/inference/v1`,
        FIREWORKS_API_KEY: 'fw-platform',
      },
      { catalog: GATEWAY_TEST_CATALOG },
    );
    await gateway.setPlan('sam', { tier: 'starter' });
    await gateway.fund('sam', 10_000_000n);
  });
  afterAll(async () => gateway?.close());

  describe('the next provider answers', () => {
    it('after a 5xx, and the headers and the ledger say what was tried', async () => {
      const { groq, together } = gateway.upstreams;
      groq.enqueue({ status: 500 });
      const { data, route } = await ask('large-groq');
      expect(route).toMatchObject({
        provider: 'together',
        model: 'large-together',
        reason: 'fallback: same family on together',
        attempts: '2',
      });
      expect(data.choices[0].message.content).toBe('together says hello to large-together');
      expect(groq.requests.at(-1)?.body).toMatchObject({ model: 'large-groq' });
      expect(together.requests.at(-1)?.body).toMatchObject({ model: 'large-together' });
      const { completed } = await gateway.recorded(route.requestId);
      expect(attemptsOf(completed?.attempts)).toEqual([
        { provider: 'groq', model: 'large-groq', outcome: 'server_error', status: 500 },
        { provider: 'together', model: 'large-together', outcome: 'ok', status: 200 },
      ]);
      expect(completed).toMatchObject({ provider: 'together', model: 'large-together' });
    });

    it('after a 429', async () => {
      gateway.upstreams.together.enqueue({ status: 429, retryAfterSeconds: 30 });
      const { route } = await ask('large-together');
      expect(route).toMatchObject({ provider: 'groq', model: 'large-groq', attempts: '2' });
      const { completed } = await gateway.recorded(route.requestId);
      expect(attemptsOf(completed?.attempts)[0]).toEqual({
        provider: 'together',
        model: 'large-together',
        outcome: 'rate_limited',
        status: 429,
      });
    });

    it('after a timeout, without waiting for the slow provider', async () => {
      gateway.upstreams.groq.enqueue({ delayMs: 3 * TIMEOUT_MS });
      const started = performance.now();
      const { route } = await ask('large-groq');
      expect(performance.now() - started).toBeLessThan(3 * TIMEOUT_MS);
      expect(route).toMatchObject({ provider: 'together', attempts: '2' });
      const { completed } = await gateway.recorded(route.requestId);
      expect(attemptsOf(completed?.attempts)[0]).toEqual({
        provider: 'groq',
        model: 'large-groq',
        outcome: 'timeout',
        status: null,
      });
      expect(completed!.attempts[0].latencyMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(gateway.upstreams.groq.requests.at(-1)?.outcome).toBe('aborted');
    });

    it('after a refused connection', async () => {
      const { route } = await ask('large-fireworks');
      expect(route).toMatchObject({ provider: 'groq', model: 'large-groq', attempts: '2' });
      const { completed } = await gateway.recorded(route.requestId);
      expect(attemptsOf(completed?.attempts)[0]).toEqual({
        provider: 'fireworks',
        model: 'large-fireworks',
        outcome: 'connection',
        status: null,
      });
    });

    it('for a stream too, as long as nothing was sent to the client', async () => {
      gateway.upstreams.together.enqueue({ status: 503 });
      const { data: stream, response } = await sdk()
        .chat.completions.create({ model: 'large-together', messages: PROMPT, stream: true })
        .withResponse();
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      expect(text).toBe('groq says hello to large-groq');
      expect(routeOf(response.headers)).toMatchObject({ provider: 'groq', attempts: '2' });
    });
  });

  it('hands a 400 from the upstream back to the client, without trying another provider', async () => {
    const before = await gateway.account('sam');
    const { groq, together } = gateway.upstreams;
    const togetherCalls = together.requests.length;
    groq.enqueue({ status: 400, errorMessage: "Invalid value for 'temperature'" });
    const error = await failure('large-groq');
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', code: 'upstream_bad_request' });
    expect(error.message).toContain('groq refused the request: the provider found the request invalid');
    expect(together.requests.length).toBe(togetherCalls);
    await expectUntouched(before);
    expect(error.headers?.get('x-ops-attempts')).toBe('1');
    const { failed } = await gateway.recorded(requestIdOf(error));
    expect(attemptsOf(failed?.attempts)).toEqual([
      { provider: 'groq', model: 'large-groq', outcome: 'rejected', status: 400 },
    ]);
  });

  it.each([
    [400, 'upstream_bad_request'],
    [401, 'upstream_error'],
    [500, 'upstream_error'],
  ])(
    'tells neither the client nor the event log what a provider said in its %i error',
    async (status, code) => {
      const secret = 'sk-proj-LeakedPlatformKey0123456789';
      const text = `Incorrect API key provided: ${secret}; internal host db-7.provider.internal`;
      gateway.upstreams.openai.enqueue({ status, errorMessage: text });
      const answer = await request(gateway.app.getHttpServer())
        .post('/v1/chat/completions')
        .set('Authorization', `Bearer ${gateway.token('sam', 'user')}`)
        .send({ model: 'gpt-4o-mini', messages: PROMPT });
      expect(answer.body.error).toMatchObject({ code });
      for (const leaked of [secret, 'Incorrect API key', 'db-7.provider.internal']) {
        expect(answer.text).not.toContain(leaked);
      }
      const requestId = String(answer.headers['x-ops-request-id']);
      const { failed } = await gateway.recorded(requestId);
      expect(failed?.error).toMatchObject({ status: answer.status, code });
      const stored = JSON.stringify(await gateway.events(llmRequestStream(requestId)));
      expect(stored).toContain(requestId);
      for (const leaked of [secret, 'Incorrect API key', 'db-7.provider.internal']) {
        expect(stored).not.toContain(leaked);
      }
      // A success resets the failure streak, so this test leaves OpenAI's breaker closed.
      expect((await ask('gpt-4o-mini')).route.provider).toBe('openai');
    },
  );

  describe('when every provider fails', () => {
    it('answers 502 for their errors, releasing the hold', async () => {
      const before = await gateway.account('sam');
      gateway.upstreams.openai.enqueue({ status: 500 });
      const error = await failure('gpt-4o-mini');
      expect(error).toMatchObject({ status: 502, type: 'api_error', code: 'upstream_error' });
      await expectUntouched(before);
      const { routed, failed, completed } = await gateway.recorded(requestIdOf(error));
      expect(BigInt(routed!.reservedMicros)).toBeGreaterThan(0n);
      expect(completed).toBeUndefined();
      expect(failed).toMatchObject({ error: { status: 502, code: 'upstream_error', type: 'api_error' } });
      expect(attemptsOf(failed?.attempts)).toEqual([
        { provider: 'openai', model: 'gpt-4o-mini', outcome: 'server_error', status: 500 },
      ]);
    });

    it('answers 429 when every provider rate limited it', async () => {
      const before = await gateway.account('sam');
      gateway.upstreams.openai.enqueue({ status: 429 });
      expect(await failure('gpt-4o-mini')).toMatchObject({
        status: 429,
        type: 'rate_limit_error',
        code: 'upstream_rate_limited',
      });
      await expectUntouched(before);
      // A failed request leaves nothing behind: the next one is served and charged as usual.
      expect((await ask('gpt-4o-mini')).route.provider).toBe('openai');
    });

    it('answers 503 when no provider answered in time', async () => {
      const before = await gateway.account('sam');
      gateway.upstreams.openai.enqueue({ delayMs: 3 * TIMEOUT_MS });
      expect(await failure('gpt-4o-mini')).toMatchObject({
        status: 503,
        type: 'api_error',
        code: 'upstream_unavailable',
      });
      await expectUntouched(before);
    });
  });

  describe('streams', () => {
    it('do not fall back after the first chunk: the stream ends with an error, and what was generated is paid', async () => {
      const before = await gateway.account('sam');
      const { groq, together } = gateway.upstreams;
      const groqCalls = groq.requests.length;
      // The role chunk and two words, then the connection drops.
      together.enqueue({ failAfterChunks: 3 });
      const { data: stream, response } = await sdk()
        .chat.completions.create({ model: 'large-together', messages: PROMPT, stream: true })
        .withResponse();
      let text = '';
      const ended = await (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      })().then(
        () => null,
        (error: unknown) => error,
      );
      expect(text).toBe('together says ');
      expect(ended).toBeInstanceOf(APIError);
      expect((ended as Error).message).toContain('failed mid-stream');
      expect(groq.requests.length).toBe(groqCalls);

      const { completed } = await gateway.recorded(routeOf(response.headers).requestId);
      expect(completed).toMatchObject({
        provider: 'together',
        finishReason: 'error',
        clientDisconnected: false,
        usageEstimated: true,
      });
      expect(completed!.outputTokens).toBeGreaterThan(0);
      const charged = BigInt(completed!.costMicros);
      expect(charged).toBeGreaterThan(0n);
      expect(await gateway.account('sam')).toMatchObject({
        balance_micros: (BigInt(before.balance_micros as string) - charged).toString(),
        reserved_micros: '0',
      });
    });

    it('charge a client that disconnects mid-stream for what was generated until then', async () => {
      const before = await gateway.account('sam');
      const { together } = gateway.upstreams;
      together.enqueue({ chunkDelayMs: 200 });
      const abort = new AbortController();
      const { data: stream, response } = await sdk()
        .chat.completions.create(
          { model: 'large-together', messages: PROMPT, stream: true },
          { signal: abort.signal },
        )
        .withResponse();
      let text = '';
      await (async () => {
        for await (const chunk of stream) {
          text += chunk.choices[0]?.delta?.content ?? '';
          if (text) abort.abort();
        }
      })().catch(() => undefined);
      expect(text).toBe('together ');

      const requestId = routeOf(response.headers).requestId;
      const completed = await eventually(async () => {
        const { completed } = await gateway.recorded(requestId);
        expect(completed).toBeDefined();
        return completed!;
      });
      expect(completed).toMatchObject({ clientDisconnected: true, usageEstimated: true });
      expect(completed.outputTokens).toBeGreaterThan(0);
      expect(completed.outputTokens).toBeLessThan(FULL_REPLY_TOKENS);
      const charged = BigInt(completed.costMicros);
      expect(charged).toBe(costMicros(LARGE_TOGETHER, completed.inputTokens, completed.outputTokens));
      expect(charged).toBeGreaterThan(0n);
      expect(charged).toBeLessThan(costMicros(LARGE_TOGETHER, completed.inputTokens, FULL_REPLY_TOKENS));
      expect(await gateway.account('sam')).toMatchObject({
        balance_micros: (BigInt(before.balance_micros as string) - charged).toString(),
        reserved_micros: '0',
      });
      // The gateway stopped reading: the upstream saw its client go away before the end.
      await eventually(async () => expect(together.requests.at(-1)?.outcome).toBe('aborted'));
    });
  });

  it('trips the breaker after three failures in a row: the provider is skipped, and the change recorded', async () => {
    const { groq } = gateway.upstreams;
    const health = async () =>
      (
        await request(gateway.app.getHttpServer())
          .get('/api/v1/llm/health')
          .set('Authorization', `Bearer ${gateway.token('sam', 'user')}`)
          .expect(200)
      ).body.providers as { provider: string; status: string; cooling_down_until: string | null }[];

    groq.enqueue({ status: 500 }, { status: 500 }, { status: 500 });
    for (let failures = 0; failures < 3; failures++) {
      expect((await ask('large-groq')).route).toMatchObject({ provider: 'together', attempts: '2' });
    }
    const groqHealth = (await health()).find((view) => view.provider === 'groq');
    expect(groqHealth).toMatchObject({ status: 'down' });
    expect(Date.parse(groqHealth!.cooling_down_until!)).toBeGreaterThan(Date.now());
    expect((await health()).find((view) => view.provider === 'together')?.status).toBe('up');

    const groqCalls = groq.requests.length;
    const { route } = await ask('large-groq');
    expect(route).toMatchObject({
      provider: 'together',
      attempts: '1',
      reason: 'fallback: same family on together',
    });
    expect(groq.requests.length).toBe(groqCalls);
    const { routed } = await gateway.recorded(route.requestId);
    expect(routed?.candidates.map((candidate) => candidate.provider)).not.toContain('groq');

    const changes = await eventually(async () => {
      const events = await gateway.events('provider-health-groq');
      expect(events.length).toBeGreaterThan(0);
      return events;
    });
    expect(changes.at(-1)).toMatchObject({
      type: 'ProviderHealthChanged',
      data: { provider: 'groq', status: 'down', previousStatus: 'up', source: 'traffic' },
    });
  });
});
