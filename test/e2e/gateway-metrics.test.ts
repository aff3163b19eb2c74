import OpenAI from 'openai';
import request from 'supertest';
import { eventually } from '../support/app';
import {
  errorMessageOf,
  failureOf,
  GATEWAY_TEST_CATALOG,
  routeOf,
  startGatewayApp,
  type GatewayTestApp,
} from '../support/gateway';

const METRICS_TOKEN = 'metrics-token-gateway-0123456789';
const PROMPT: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hello there, how are you?' }];
const MADE_UP_MODEL = 'made-up-model-from-a-client';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, one sample a line; comments and blank lines skipped. */
function parseSamples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]),
      );
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

interface Usage {
  prompt: number;
  completion: number;
  costMicros: number;
}

/*
 * Issue 15: the gateway's and the credits' own series in /metrics, read the way Prometheus would
 * (with METRICS_TOKEN), after requests against the stand-in upstreams of GATEWAY_TEST_CATALOG.
 */
describe('LLM gateway and credit metrics', () => {
  let gateway: GatewayTestApp;
  let samples: Sample[] = [];

  const scrape = async () => {
    const response = await request(gateway.app.getHttpServer())
      .get('/metrics')
      .set('Authorization', `Bearer ${METRICS_TOKEN}`)
      .expect(200);
    samples = parseSamples(response.text);
    return response.text;
  };
  /** The one sample of `name` with exactly these labels (undefined when the series does not exist). */
  const value = (name: string, labels: Record<string, string> = {}) => {
    const found = samples.filter(
      (sample) =>
        sample.name === name &&
        Object.keys(sample.labels).length === Object.keys(labels).length &&
        Object.entries(labels).every(([key, expected]) => sample.labels[key] === expected),
    );
    expect(found.length).toBeLessThanOrEqual(1);
    return found[0]?.value;
  };
  const sdk = () => gateway.sdk('mia');
  /** What the ledger recorded for the answer: the upstream's usage and the credits charged. */
  const usageOf = async (requestId: string): Promise<Usage> => {
    const { completed } = await gateway.recorded(requestId);
    return {
      prompt: completed!.inputTokens,
      completion: completed!.outputTokens,
      costMicros: Number(completed!.costMicros),
    };
  };
  const ask = async (model: string) => {
    const { data, response } = await sdk()
      .chat.completions.create({ model, messages: PROMPT })
      .withResponse();
    const route = routeOf(response.headers);
    const usage = await usageOf(route.requestId);
    // The counters are checked against what the upstream reported, as the client saw it too.
    expect([usage.prompt, usage.completion]).toEqual([
      data.usage?.prompt_tokens,
      data.usage?.completion_tokens,
    ]);
    expect(String(usage.costMicros)).toBe(response.headers.get('x-ops-cost-micros'));
    return { route, usage };
  };
  const askStreamed = async (model: string) => {
    const { data: stream, response } = await sdk()
      .chat.completions.create({
        model,
        messages: PROMPT,
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    let reported: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) reported = chunk.usage ?? reported;
    const usage = await usageOf(routeOf(response.headers).requestId);
    expect([usage.prompt, usage.completion]).toEqual([reported?.prompt_tokens, reported?.completion_tokens]);
    return usage;
  };
  const failure = (model: string) => failureOf(sdk().chat.completions.create({ model, messages: PROMPT }));
  const sum = (usages: Usage[], field: keyof Usage) =>
    usages.reduce((total, usage) => total + usage[field], 0);

  beforeAll(async () => {
    gateway = await startGatewayApp({ METRICS_TOKEN }, { catalog: GATEWAY_TEST_CATALOG });
    await gateway.setPlan('mia', { tier: 'starter' });
    await gateway.fund('mia', 10_000_000n);
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('counts requests, tokens, cost, latency, time to first token, holds and fallbacks', async () => {
    // A hold is open exactly while its request is in flight.
    gateway.upstreams.openai.enqueue({ delayMs: 1_000 });
    const slow = ask('gpt-4o-mini');
    await eventually(async () => {
      await scrape();
      expect(value('ops_credit_holds_open')).toBe(1);
    });
    const answers = [(await slow).usage, (await ask('gpt-4o-mini')).usage, await askStreamed('gpt-4o-mini')];

    gateway.upstreams.groq.enqueue({ status: 500 });
    const { route, usage: fallback } = await ask('large-groq');
    expect(route).toMatchObject({ provider: 'together', model: 'large-together', attempts: '2' });

    await scrape();
    expect(value('ops_credit_holds_open')).toBe(0);
    const openai = { provider: 'openai', model: 'gpt-4o-mini' };
    const together = { provider: 'together', model: 'large-together' };
    expect(value('llm_gateway_requests_total', { ...openai, status: '200' })).toBe(3);
    expect(value('llm_gateway_requests_total', { ...together, status: '200' })).toBe(1);
    // The provider that failed before the fallback answered nothing.
    expect(
      value('llm_gateway_requests_total', { provider: 'groq', model: 'large-groq', status: '200' }),
    ).toBe(undefined);
    expect(value('llm_gateway_fallbacks_total', { from: 'groq', to: 'together' })).toBe(1);

    expect(value('llm_gateway_tokens_total', { ...openai, type: 'prompt' })).toBe(sum(answers, 'prompt'));
    expect(value('llm_gateway_tokens_total', { ...openai, type: 'completion' })).toBe(
      sum(answers, 'completion'),
    );
    expect(value('llm_gateway_tokens_total', { ...together, type: 'prompt' })).toBe(fallback.prompt);
    expect(value('llm_gateway_tokens_total', { ...together, type: 'completion' })).toBe(fallback.completion);
    expect(sum(answers, 'costMicros')).toBeGreaterThan(0);
    expect(value('llm_gateway_cost_micros_total', openai)).toBe(sum(answers, 'costMicros'));
    expect(value('llm_gateway_cost_micros_total', together)).toBe(fallback.costMicros);

    expect(value('llm_gateway_request_duration_seconds_count', { provider: 'openai' })).toBe(3);
    // The slow answer took a second, and the histogram saw it.
    expect(value('llm_gateway_request_duration_seconds_sum', { provider: 'openai' })).toBeGreaterThan(1);
    expect(value('llm_gateway_request_duration_seconds_count', { provider: 'together' })).toBe(1);
    expect(value('llm_gateway_time_to_first_token_seconds_count', { provider: 'openai' })).toBe(1);
    expect(value('llm_gateway_time_to_first_token_seconds_count', { provider: 'together' })).toBe(undefined);
  });

  it('shows each breaker, counts failures by status, and refuses routing to an open breaker by name', async () => {
    await scrape();
    expect(value('llm_provider_breaker_state', { provider: 'openai' })).toBe(0);
    // Configured but unused providers show too: a dashboard sees every breaker.
    expect(value('llm_provider_breaker_state', { provider: 'anthropic' })).toBe(0);

    gateway.upstreams.openai.enqueue({ status: 500 }, { status: 500 }, { status: 500 });
    for (let failed = 0; failed < 3; failed++) {
      expect(await failure('gpt-4o-mini')).toMatchObject({ status: 502, code: 'upstream_error' });
    }
    await scrape();
    expect(
      value('llm_gateway_requests_total', { provider: 'openai', model: 'gpt-4o-mini', status: '502' }),
    ).toBe(3);
    expect(value('llm_provider_breaker_state', { provider: 'openai' })).toBe(2);
    // Released on failure as settled on success: no hold outlives its request.
    expect(value('ops_credit_holds_open')).toBe(0);
    expect(value('llm_provider_breaker_state', { provider: 'groq' })).toBe(0);

    const refused = await failure('gpt-4o-mini');
    expect(refused).toMatchObject({ status: 503, code: 'provider_unavailable' });
    const [, retryAt] =
      /^no provider serving 'gpt-4o-mini' is up: openai is failing and its circuit breaker lets a trial call through at (\S+)$/.exec(
        errorMessageOf(refused),
      ) ?? [];
    // Thirty seconds of cooldown from the third failure.
    expect(Date.parse(retryAt) - Date.now()).toBeGreaterThan(20_000);
    expect(Date.parse(retryAt) - Date.now()).toBeLessThanOrEqual(30_000);
    await scrape();
    expect(value('llm_gateway_refusals_total', { status: '503', reason: 'provider_unavailable' })).toBe(1);
  });

  it('never makes a label of a model a client made up', async () => {
    expect(await failure(MADE_UP_MODEL)).toMatchObject({ status: 404, code: 'model_not_found' });
    const text = await scrape();
    expect(text).not.toContain(MADE_UP_MODEL);
    expect(value('llm_gateway_refusals_total', { status: '404', reason: 'model_not_found' })).toBe(1);
    const models = new Set(GATEWAY_TEST_CATALOG.map((entry) => (entry as { id: string }).id));
    const labelled = samples.filter(
      (sample) => sample.name.startsWith('llm_gateway_') && sample.labels.model,
    );
    expect(labelled.length).toBeGreaterThan(0);
    expect(labelled.every((sample) => models.has(sample.labels.model))).toBe(true);
  });
});
