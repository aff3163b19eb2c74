import { costMicros } from '@ops/domain';
import OpenAI, { APIError } from 'openai';
import { freePort } from '../support/free-port';
import { GATEWAY_TEST_CATALOG, routeOf, startGatewayApp, type GatewayTestApp } from '../support/gateway';

/** OpenRouter's routing controls, beside OpenAI's body, as an OpenRouter user sends them. */
type Ask = Omit<OpenAI.ChatCompletionCreateParamsNonStreaming, 'model' | 'messages'> & {
  model?: string;
  models?: string[];
  provider?: Record<string, unknown>;
  power_level?: string;
};

const MESSAGES: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'user', content: 'Hello there, how are you?' },
];
/** Set below Sonnet's worst case (4,096 output tokens at $15 per million: about 61,500) to show it is configurable. */
const PRECISION_CEILING = 50_000;
const SLOW_MS = 300;

/*
 * Routes follow GATEWAY_TEST_CATALOG (test/support/gateway.ts): family `large` is served by Groq
 * ($0.59), Together ($0.88) and Fireworks ($0.90, pointed at a port nothing listens on); `mid-chat` by
 * Together only; `small-chat` by Groq, with the local `local-chat` in its family. A provider's breaker
 * trips after three failures in a row, so no test fails one provider three times running; and the
 * failures make Together and Groq degraded, which ranks them lower, so the tests of the default
 * ranking (budgets, sort) run first.
 */
describe('LLM gateway routing controls (models, provider) and power-level budgets', () => {
  let gateway: GatewayTestApp;

  const sdk = () => gateway.sdk('olga');
  const ask = async (body: Ask, headers: Record<string, string> = {}) => {
    const { data, response } = await sdk()
      .chat.completions.create(
        { model: 'auto', messages: MESSAGES, ...body } as OpenAI.ChatCompletionCreateParamsNonStreaming,
        { headers },
      )
      .withResponse();
    return {
      data,
      route: routeOf(response.headers),
      budget: response.headers.get('x-ops-budget-micros'),
      worstCase: response.headers.get('x-ops-worst-case-micros'),
    };
  };
  const refusal = (body: Ask, headers: Record<string, string> = {}) =>
    ask(body, headers).then(
      () => {
        throw new Error('the gateway answered a request it should have refused or failed');
      },
      (error: unknown) => error as APIError,
    );
  const bodyOf = (error: APIError) => error.error as { message: string; code: string; param: string | null };
  const calls = () => {
    const { groq, together, openai, ollama, anthropic } = gateway.upstreams;
    return {
      groq: groq.requests.length,
      together: together.requests.length,
      openai: openai.requests.length,
      ollama: ollama.requests.length,
      anthropic: anthropic.requests.length,
    };
  };

  beforeAll(async () => {
    gateway = await startGatewayApp(
      {
        FIREWORKS_BASE_URL: `http://127.0.0.1:${await freePort()}/inference/v1`,
        FIREWORKS_API_KEY: 'fw-platform',
        LLM_BUDGET_PRECISION_MICROS: String(PRECISION_CEILING),
      },
      { catalog: GATEWAY_TEST_CATALOG },
    );
    await gateway.setPlan('olga', { tier: 'professional' });
    await gateway.fund('olga', 10_000_000n);
  });
  afterAll(async () => gateway?.close());

  describe('power levels with budgets', () => {
    // Without the local models, which cost nothing and so fit every ceiling.
    const cloud = { ignore: ['ollama'] };

    it('eco: auto picks only a model whose worst case fits $0.001, and the headers say both', async () => {
      const { route, budget, worstCase } = await ask({ provider: cloud, power_level: 'eco' });
      expect(route).toMatchObject({ provider: 'groq', model: 'small-chat', powerLevel: 'eco' });
      expect(budget).toBe('1000');
      // small-chat: $0.10 per million in and out, the prompt and its 4,096 output tokens at most.
      const prompt = Number(worstCase) * 10 - 4_096;
      expect(Number(worstCase)).toBeLessThanOrEqual(1_000);
      expect(BigInt(worstCase!)).toBe(
        costMicros(
          { inputMicrosPerMillion: 100_000n, outputMicrosPerMillion: 100_000n },
          Math.max(0, prompt),
          4_096,
        ),
      );
    });

    it('eco refuses when nothing fits, naming the cheapest model and the level it would fit', async () => {
      // Left: gpt-4o-mini ($0.15/$0.60), mid-chat ($0.50) and shared-model ($1.00) with 4,096 output tokens.
      const before = calls();
      const error = await refusal({ provider: { ignore: ['ollama', 'groq'] }, power_level: 'eco' });
      expect(error.status).toBe(400);
      expect(bodyOf(error)).toMatchObject({
        code: 'budget_exceeded',
        param: 'power_level',
        type: 'invalid_request_error',
      });
      expect(bodyOf(error).message).toMatch(
        /^no model fits the eco power level's ceiling of 1000 micro-USD for this request \(about \d+ prompt tokens plus each model's output limit\); the cheapest model that could take it, mid-chat on together, costs up to \d+ micro-USD, within the balanced level's ceiling of 10000: ask for power level balanced, or lower max_tokens$/,
      );
      expect(calls()).toEqual(before);
      // A smaller output budget brings it under the ceiling.
      const { route, worstCase } = await ask({
        provider: { ignore: ['ollama', 'groq'] },
        power_level: 'eco',
        max_tokens: 200,
      });
      expect(route).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini' });
      expect(Number(worstCase)).toBeLessThanOrEqual(1_000);
    });

    it('balanced: $0.01', async () => {
      const { route, budget, worstCase } = await ask({ power_level: 'balanced' });
      expect(route).toMatchObject({ model: 'mid-chat', powerLevel: 'balanced' });
      expect(budget).toBe('10000');
      expect(Number(worstCase)).toBeLessThanOrEqual(10_000);
    });

    it("precision: the configured ceiling keeps Sonnet's worst case out of auto", async () => {
      const { route, budget, worstCase } = await ask({ power_level: 'precision' });
      expect(budget).toBe(String(PRECISION_CEILING));
      expect(route.model).not.toBe('claude-sonnet-4-5');
      expect(route).toMatchObject({ model: 'mid-chat', powerLevel: 'precision' });
      expect(Number(worstCase)).toBeLessThanOrEqual(PRECISION_CEILING);
      // With a small output budget Sonnet fits again, and wins on quality.
      expect((await ask({ power_level: 'precision', max_tokens: 1_000 })).route.model).toBe(
        'claude-sonnet-4-5',
      );
    });

    it('an explicit model is not auto-routing: it is served, and its worst case reported beside the ceiling', async () => {
      const { route, budget, worstCase } = await ask({ model: 'claude-sonnet-4-5', power_level: 'eco' });
      expect(route).toMatchObject({
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        reason: 'requested model',
      });
      expect(budget).toBe('1000');
      expect(Number(worstCase)).toBeGreaterThan(60_000);
    });
  });

  describe('provider.sort', () => {
    it('price: the cheapest provider of the model first, though the client named another', async () => {
      expect((await ask({ model: 'large-together' })).route.provider).toBe('together');
      const { route } = await ask({ model: 'large-together', provider: { sort: 'price' } });
      expect(route).toMatchObject({
        provider: 'groq',
        model: 'large-groq',
        reason: 'provider.sort price: large-groq on groq',
      });
    });

    it('latency and throughput: from what the health windows measured, the faster provider first', async () => {
      const { groq } = gateway.upstreams;
      // Groq answers slowly for a while; Together at once.
      for (let i = 0; i < 4; i++) {
        groq.enqueue({ delayMs: SLOW_MS });
        await ask({ model: 'large-groq', provider: { only: ['groq'] } });
        await ask({ model: 'large-together', provider: { only: ['together'] } });
      }
      // Unsorted, the named model's own provider goes first; sorted, the faster one does.
      expect((await ask({ model: 'large-groq' })).route.provider).toBe('groq');
      const byLatency = await ask({ model: 'large-groq', provider: { sort: 'latency' } });
      expect(byLatency.route).toMatchObject({
        provider: 'together',
        reason: 'provider.sort latency: large-together on together',
      });
      const byThroughput = await ask({ model: 'large-groq', provider: { sort: 'throughput' } });
      expect(byThroughput.route.provider).toBe('together');
    });
  });

  describe('models: an ordered fallback list', () => {
    it('tries each model in turn; the first that answers does, and the headers and the ledger say which', async () => {
      const { together, groq } = gateway.upstreams;
      together.enqueue({ status: 500 });
      groq.enqueue({ status: 503 });
      const { data, route } = await ask({ model: 'mid-chat', models: ['small-chat', 'gpt-4o-mini'] });
      expect(route).toMatchObject({
        provider: 'openai',
        model: 'gpt-4o-mini',
        reason: "fallback: models[1] 'gpt-4o-mini'",
        attempts: '3',
      });
      expect(data.model).toBe('gpt-4o-mini');
      // The controls are the gateway's: no provider sees them.
      for (const upstream of [together, groq, gateway.upstreams.openai]) {
        expect(upstream.requests.at(-1)?.body).not.toHaveProperty('models');
        expect(upstream.requests.at(-1)?.body).not.toHaveProperty('provider');
      }
      const { completed } = await gateway.recorded(route.requestId);
      expect(completed?.attempts.map((attempt) => [attempt.model, attempt.outcome])).toEqual([
        ['mid-chat', 'server_error'],
        ['small-chat', 'server_error'],
        ['gpt-4o-mini', 'ok'],
      ]);
      expect(completed?.route?.candidates.map((candidate) => candidate.reason)).toEqual([
        'requested model',
        "fallback: models[0] 'small-chat'",
        "fallback: models[1] 'gpt-4o-mini'",
      ]);
      // Auditors read why: the controls the request sent, and the power level's ceiling.
      expect(completed?.route).toMatchObject({
        controls: { models: ['small-chat', 'gpt-4o-mini'] },
        powerLevel: 'balanced',
        ceilingMicros: '10000',
      });
    });

    it('answers with the first model when it can', async () => {
      const { route } = await ask({ model: 'mid-chat', models: ['small-chat'] });
      expect(route).toMatchObject({ model: 'mid-chat', reason: 'requested model', attempts: '1' });
    });

    it('refuses a model the catalog does not have, naming it, before anything is called', async () => {
      const before = calls();
      const error = await refusal({ model: 'mid-chat', models: ['small-chat', 'gpt-17'] });
      expect(error.status).toBe(400);
      expect(bodyOf(error)).toMatchObject({ param: 'models', type: 'invalid_request_error' });
      expect(bodyOf(error).message).toBe(
        "models[1] 'gpt-17' is not in the catalog (GET /v1/models lists the models there are)",
      );
      expect(calls()).toEqual(before);
    });

    it("refuses models with 'auto', which builds its own chain", async () => {
      const error = await refusal({ model: 'auto', models: ['small-chat'] });
      expect([error.status, bodyOf(error).param]).toEqual([400, 'models']);
      expect(bodyOf(error).message).toContain("name models instead of 'auto'");
    });
  });

  describe('provider: order, only, ignore, allow_fallbacks', () => {
    it('order: the listed providers first, in that order', async () => {
      const { route } = await ask({ model: 'large-groq', provider: { order: ['together', 'groq'] } });
      expect(route).toMatchObject({
        provider: 'together',
        model: 'large-together',
        reason: 'provider.order [together, groq]: large-together on together',
      });
      gateway.upstreams.together.enqueue({ status: 500 });
      const fallback = await ask({ model: 'large-groq', provider: { order: ['together', 'groq'] } });
      expect(fallback.route).toMatchObject({ provider: 'groq', model: 'large-groq', attempts: '2' });
    });

    it('only: no other provider is called, even when the allowed one fails', async () => {
      const before = calls();
      const { route } = await ask({ model: 'large-groq', provider: { only: ['together'] } });
      expect(route).toMatchObject({ provider: 'together', model: 'large-together' });
      gateway.upstreams.together.enqueue({ status: 500 });
      const error = await refusal({ model: 'large-groq', provider: { only: ['together'] } });
      expect(error.status).toBe(502);
      expect(error.headers?.get('x-ops-attempts')).toBe('1');
      expect(calls()).toMatchObject({ groq: before.groq, together: before.together + 2 });
    });

    it('ignore: the ignored provider is never called', async () => {
      const before = calls();
      const { route } = await ask(
        { model: 'large-groq', provider: { ignore: ['groq'], sort: 'price' } },
        { 'x-power-level': 'precision' },
      );
      expect(route).toMatchObject({ provider: 'together', model: 'large-together' });
      expect(calls().groq).toBe(before.groq);
      const { completed } = await gateway.recorded(route.requestId);
      expect(completed?.route).toMatchObject({
        controls: { ignore: ['groq'], sort: 'price' },
        powerLevel: 'precision',
        ceilingMicros: String(PRECISION_CEILING),
      });
    });

    it('refuses with 400 when only and ignore leave no provider for the model, naming the field', async () => {
      const error = await refusal({ model: 'gpt-4o-mini', provider: { only: ['groq', 'together'] } });
      expect(error.status).toBe(400);
      expect(bodyOf(error)).toEqual({
        message:
          "'gpt-4o-mini' is served by openai here, and provider.only [groq, together] leaves none of them",
        type: 'invalid_request_error',
        param: 'provider.only',
        code: 'no_allowed_provider',
      });
    });

    it('allow_fallbacks false: stops at the first failure, and no other provider is called', async () => {
      const before = calls();
      gateway.upstreams.groq.enqueue({ status: 500 });
      const error = await refusal({ model: 'large-groq', provider: { allow_fallbacks: false } });
      expect(error.status).toBe(502);
      expect(error.headers?.get('x-ops-attempts')).toBe('1');
      expect(calls()).toMatchObject({ groq: before.groq + 1, together: before.together });
      const { failed } = await gateway.recorded(error.headers?.get('x-ops-request-id') ?? '');
      expect(failed?.route?.candidates.map((candidate) => candidate.provider)).toEqual(['groq']);
      expect(failed?.route?.controls).toEqual({ allowFallbacks: false });
      // The same request with fallbacks goes on (past Fireworks, which is unreachable) to Together.
      gateway.upstreams.groq.enqueue({ status: 500 });
      const { route } = await ask({ model: 'large-groq' });
      expect(route.provider).toBe('together');
      expect(Number(route.attempts)).toBeGreaterThan(1);
    });

    it('refuses unknown providers, unknown fields and contradicting options with 400 naming the field', async () => {
      const cases: [Ask['provider'], string, string][] = [
        [{ only: ['groq', 'grok'] }, 'provider.only', "only[1] 'grok' is not a provider"],
        [{ data_collection: 'deny' }, 'provider.data_collection', 'should not exist'],
        [{ sort: 'cost' }, 'provider.sort', 'sort must be one of price, latency, throughput'],
        [
          { order: ['groq'], ignore: ['groq'] },
          'provider.order',
          'names groq, which provider.ignore excludes',
        ],
        [
          { only: ['together'], ignore: ['together'] },
          'provider.ignore',
          'names together, which provider.only allows',
        ],
      ];
      for (const [provider, param, phrase] of cases) {
        const error = await refusal({ model: 'large-groq', provider });
        expect([error.status, bodyOf(error).param]).toEqual([400, param]);
        expect(bodyOf(error).message).toContain(phrase);
      }
      const both = await refusal({
        model: 'large-groq',
        models: ['mid-chat'],
        provider: { allow_fallbacks: false },
      });
      expect([both.status, bodyOf(both).param]).toEqual([400, 'models']);
      expect(bodyOf(both).message).toContain('provider.allow_fallbacks false forbids any fallback');
    });
  });
});
