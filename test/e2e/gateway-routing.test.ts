import OpenAI, { APIError } from 'openai';
import request from 'supertest';
import { eventually } from '../support/app';
import { startFakeOpenAiProvider, type FakeProvider } from '../support/fake-providers';
import { GATEWAY_TEST_CATALOG, routeOf, startGatewayApp, type GatewayTestApp } from '../support/gateway';

/** The body fields the gateway adds to OpenAI's. */
type Ask = Omit<OpenAI.ChatCompletionCreateParamsNonStreaming, 'model'> & {
  model?: string;
  power_level?: string;
  privacy?: boolean;
};

const say = (content: string): OpenAI.ChatCompletionMessageParam[] => [{ role: 'user', content }];

const CHAT = 'Hello there, how are you today?';
const CODE = 'Write a python function that reverses a list';
const ANALYSIS = 'Analyze the trends and compare the pros and cons of these two plans';
const CREATIVE = 'Write a poem about the sea';

const GROQ_USER_KEY = 'gsk_bobOwnGroqKey0000000000000000';
const TOGETHER_USER_KEY = 'tgp_v1_carolOwnTogetherKey000000000';
const DEEPINFRA_KEY = 'deepinfra-platform';

/*
 * Routes follow GATEWAY_TEST_CATALOG (test/support/gateway.ts), whose prices and quality marks make
 * each decision clear-cut, with OpenAI, Groq, Together, DeepInfra, Anthropic and a local Ollama
 * configured.
 */
describe('LLM gateway routing: power level, task, tier, privacy, BYOK, Anthropic', () => {
  let gateway: GatewayTestApp;
  let deepinfra: FakeProvider;
  let remote: FakeProvider[];

  const ask = async (user: string, body: Ask, headers: Record<string, string> = {}) => {
    const { data, response } = await gateway
      .sdk(user)
      .chat.completions.create({ model: 'auto', ...body } as OpenAI.ChatCompletionCreateParamsNonStreaming, {
        headers,
      })
      .withResponse();
    return { data, route: routeOf(response.headers), cost: response.headers.get('x-ops-cost-micros') };
  };
  const refusal = (user: string, body: Ask, headers: Record<string, string> = {}) =>
    ask(user, body, headers).then(
      () => {
        throw new Error('the gateway answered a request it should have refused');
      },
      (error: unknown) => error as APIError,
    );
  const remoteCalls = () => remote.reduce((sum, upstream) => sum + upstream.requests.length, 0);
  const balance = async (user: string) => BigInt((await gateway.account(user)).balance_micros as string);

  beforeAll(async () => {
    deepinfra = await startFakeOpenAiProvider({ name: 'deepinfra', apiKey: DEEPINFRA_KEY });
    gateway = await startGatewayApp(
      { DEEPINFRA_BASE_URL: deepinfra.baseUrl, DEEPINFRA_API_KEY: DEEPINFRA_KEY },
      { catalog: GATEWAY_TEST_CATALOG },
    );
    const { openai, groq, together, anthropic } = gateway.upstreams;
    remote = [openai, groq, together, anthropic, deepinfra];
    for (const [user, tier] of [
      ['fred', 'free'],
      ['stella', 'starter'],
      ['paula', 'professional'],
    ] as const) {
      await gateway.setPlan(user, { tier });
      await gateway.fund(user, 10_000_000n);
    }
  });
  afterAll(async () => {
    await gateway?.close();
    await deepinfra?.close();
  });

  describe('power levels', () => {
    it('eco takes the cheapest capable model: a local one, which costs nothing', async () => {
      const before = await balance('paula');
      const { data, route, cost } = await ask('paula', { messages: say(CHAT) }, { 'x-power-level': 'eco' });
      expect(route).toMatchObject({
        provider: 'ollama',
        model: 'local-chat',
        powerLevel: 'eco',
        task: 'chat',
        reason: 'auto/eco/chat: cheapest capable',
        byok: 'false',
        attempts: '1',
      });
      expect(data.model).toBe('local-chat');
      expect(data.choices[0].message.content).toBe('ollama says hello to local-chat');
      expect(cost).toBe('0');
      expect(await balance('paula')).toBe(before);
    });

    it('balanced weighs price against quality: a good model at a fraction of the top price', async () => {
      const before = await balance('paula');
      const { route, cost } = await ask('paula', { messages: say(CHAT), power_level: 'balanced' });
      expect(route).toMatchObject({
        provider: 'together',
        model: 'mid-chat',
        powerLevel: 'balanced',
        reason: 'auto/balanced/chat: best price/quality',
      });
      expect(gateway.upstreams.together.requests.at(-1)?.headers.authorization).toBe(
        'Bearer together-platform',
      );
      expect(BigInt(cost!)).toBeGreaterThan(0n);
      expect(await balance('paula')).toBe(before - BigInt(cost!));
    });

    it('precision takes the highest quality the tier allows, whatever the price', async () => {
      const { data, route } = await ask('paula', { messages: say(CHAT) }, { 'x-power-level': 'precision' });
      expect(route).toMatchObject({
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        powerLevel: 'precision',
        reason: 'auto/precision/chat: highest quality',
      });
      expect(data.choices[0].message.content).toBe('anthropic says hello to claude-sonnet-4-5');
      const recorded = await gateway.recorded(route.requestId);
      expect(recorded.routed).toMatchObject({ powerLevel: 'precision', task: 'chat' });
      expect(recorded.completed?.tier).toBe('professional');
      expect(recorded.routed?.candidates.map((candidate) => candidate.model)).toEqual([
        'claude-sonnet-4-5',
        'mid-chat',
        'large-groq',
      ]);
      expect(recorded.completed).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4-5' });
    });

    it("uses the account's default power level when the request names none; the header wins over the body", async () => {
      await gateway.setPlan('erin', { tier: 'professional', power: 'eco' });
      await gateway.fund('erin', 1_000_000n);
      expect((await ask('erin', { messages: say(CHAT) })).route).toMatchObject({
        provider: 'ollama',
        powerLevel: 'eco',
      });
      const { route } = await ask(
        'erin',
        { messages: say(CHAT), power_level: 'eco' },
        { 'x-power-level': 'precision' },
      );
      expect(route).toMatchObject({ provider: 'anthropic', powerLevel: 'precision' });
    });

    it('refuses a power level it does not know, before any upstream call', async () => {
      const calls = remoteCalls();
      expect(await refusal('paula', { messages: say(CHAT) }, { 'x-power-level': 'turbo' })).toMatchObject({
        status: 400,
        type: 'invalid_request_error',
      });
      expect(await refusal('paula', { messages: say(CHAT), power_level: 'turbo' })).toMatchObject({
        status: 400,
      });
      expect(remoteCalls()).toBe(calls);
    });
  });

  describe('task detection', () => {
    it('names the task in x-ops-task and in the routed event', async () => {
      for (const [prompt, task] of [
        [CHAT, 'chat'],
        [CODE, 'code'],
        [ANALYSIS, 'analysis'],
        [CREATIVE, 'creative'],
        ['Based on the following context, answer the question.\n<context>The sky is blue.</context>', 'rag'],
      ] as const) {
        const { route } = await ask('paula', { messages: say(prompt) });
        expect(route.task).toBe(task);
        expect((await gateway.recorded(route.requestId)).routed?.task).toBe(task);
      }
    });

    it('routes code to the coder model and chat to the chat model', async () => {
      const eco = { 'x-power-level': 'eco' };
      expect((await ask('stella', { messages: say(CHAT) }, eco)).route).toMatchObject({
        provider: 'ollama',
        model: 'local-chat',
        task: 'chat',
      });
      expect((await ask('stella', { messages: say(CODE) }, eco)).route).toMatchObject({
        provider: 'ollama',
        model: 'local-coder',
        task: 'code',
      });
    });

    it('routes analysis to the model strong at it, which chat does not get', async () => {
      expect((await ask('stella', { messages: say(ANALYSIS) })).route).toMatchObject({
        provider: 'deepinfra',
        model: 'analyst',
        task: 'analysis',
      });
      expect((await ask('stella', { messages: say(CHAT) })).route).toMatchObject({
        provider: 'together',
        model: 'mid-chat',
        task: 'chat',
      });
    });
  });

  describe('tiers', () => {
    it('refuses a named model above the tier, without calling it', async () => {
      const calls = gateway.upstreams.anthropic.requests.length;
      expect(await refusal('fred', { model: 'claude-haiku-4-5', messages: say(CHAT) })).toMatchObject({
        status: 403,
        code: 'model_not_in_tier',
        type: 'permission_error',
      });
      expect(await refusal('stella', { model: 'claude-sonnet-4-5', messages: say(CHAT) })).toMatchObject({
        status: 403,
        code: 'model_not_in_tier',
      });
      expect(gateway.upstreams.anthropic.requests.length).toBe(calls);
      expect((await ask('stella', { model: 'claude-haiku-4-5', messages: say(CHAT) })).route.provider).toBe(
        'anthropic',
      );
      expect((await ask('paula', { model: 'claude-sonnet-4-5', messages: say(CHAT) })).route.model).toBe(
        'claude-sonnet-4-5',
      );
    });

    it('chooses among the models of the tier only', async () => {
      const precision = { 'x-power-level': 'precision' };
      expect((await ask('paula', { messages: say(CHAT) }, precision)).route.model).toBe('claude-sonnet-4-5');
      expect((await ask('stella', { messages: say(CHAT) }, precision)).route.model).toBe('mid-chat');
      // No remote model of the free tier serves precision; the local ones serve every level.
      const { route } = await ask('fred', { messages: say(CHAT) }, precision);
      expect(route).toMatchObject({ provider: 'ollama', model: 'local-chat' });
      const { routed } = await gateway.recorded(route.requestId);
      expect(routed?.candidates.map((candidate) => candidate.model)).toEqual(['local-chat', 'local-coder']);
    });
  });

  describe('privacy mode', () => {
    it('per request (header or body) routes to local providers only', async () => {
      const calls = remoteCalls();
      const viaHeader = await ask('paula', { messages: say(CREATIVE) }, { 'x-privacy-mode': 'on' });
      expect(viaHeader.route).toMatchObject({ provider: 'ollama', model: 'local-chat' });
      const viaBody = await ask('paula', { messages: say(CODE), privacy: true });
      expect(viaBody.route).toMatchObject({ provider: 'ollama', model: 'local-coder' });
      const recorded = await gateway.recorded(viaBody.route.requestId);
      expect(recorded.routed?.privacy).toBe(true);
      expect(recorded.routed?.candidates.map((candidate) => candidate.provider)).toEqual([
        'ollama',
        'ollama',
      ]);
      expect(remoteCalls()).toBe(calls);
    });

    it('serves a named remote model from its local family member, or refuses when it has none', async () => {
      const calls = remoteCalls();
      const { route } = await ask(
        'paula',
        { model: 'small-chat', messages: say(CHAT) },
        { 'x-privacy-mode': 'on' },
      );
      expect(route).toMatchObject({
        provider: 'ollama',
        model: 'local-chat',
        reason: 'privacy: same family on ollama',
      });
      expect(
        await refusal('paula', { model: 'gpt-4o-mini', messages: say(CHAT) }, { 'x-privacy-mode': 'on' }),
      ).toMatchObject({ status: 503, code: 'no_local_provider' });
      expect(remoteCalls()).toBe(calls);
    });

    it("per user: the account's privacy mode holds even when a request asks to switch it off", async () => {
      await gateway.setPlan('priya', { tier: 'professional', privacy: true });
      await gateway.fund('priya', 1_000_000n);
      const calls = remoteCalls();
      for (const headers of [{}, { 'x-privacy-mode': 'off' }] as Record<string, string>[]) {
        const { route } = await ask('priya', { messages: say(CREATIVE), privacy: false }, headers);
        expect(route.provider).toBe('ollama');
      }
      expect(await refusal('priya', { model: 'claude-sonnet-4-5', messages: say(CREATIVE) })).toMatchObject({
        code: 'no_local_provider',
      });
      expect(remoteCalls()).toBe(calls);
    });

    it('fails closed when the local provider fails: no remote fallback', async () => {
      const calls = remoteCalls();
      gateway.upstreams.ollama.enqueue({ status: 500 }, { status: 500 });
      const failed = await refusal('paula', { messages: say(CHAT) }, { 'x-privacy-mode': 'on' });
      expect(failed).toMatchObject({ status: 502, code: 'upstream_error' });
      expect(remoteCalls()).toBe(calls);
      // The two failures are not a third: the local provider still answers the next request.
      expect((await ask('paula', { messages: say(CHAT) }, { 'x-privacy-mode': 'on' })).route.provider).toBe(
        'ollama',
      );
    });

    it('fails closed with 503 when no local provider is configured, calling nothing', async () => {
      // Same signing secret: passport keeps one strategy per process, the last app's.
      const noLocal = await startGatewayApp(
        { JWT_SECRET: gateway.config.JWT_SECRET!, OLLAMA_BASE_URL: '' },
        { catalog: GATEWAY_TEST_CATALOG },
      );
      try {
        await noLocal.fund('paula', 1_000_000n);
        const upstreams = Object.values(noLocal.upstreams);
        const failed = await noLocal
          .sdk('paula')
          .chat.completions.create(
            { model: 'auto', messages: say(CHAT) },
            { headers: { 'x-privacy-mode': 'on' } },
          )
          .catch((error: unknown) => error);
        expect(failed).toMatchObject({ status: 503, code: 'no_local_provider' });
        expect(upstreams.every((upstream) => upstream.requests.length === 0)).toBe(true);
        const account = await noLocal.account('paula');
        expect(account).toMatchObject({ balance_micros: '1000000', reserved_micros: '0' });
      } finally {
        await noLocal.close();
      }
    });
  });

  describe('BYOK', () => {
    const addKey = async (user: string, provider: string, apiKey: string) => {
      const added = await request(gateway.app.getHttpServer())
        .post('/api/v1/llm/byok/keys')
        .set('Authorization', `Bearer ${gateway.token(user, 'user')}`)
        .send({ provider, api_key: apiKey });
      expect(added.status).toBe(201);
      expect(added.body.status).toBe('valid');
      // The gateway reads keys from the read model, which follows the log.
      await eventually(async () => {
        const models = await gateway.sdk(user).models.list();
        const own = models.data.filter((model) => (model as unknown as { byok: boolean }).byok);
        expect(own.length).toBeGreaterThan(0);
      });
    };

    it("uses the user's own key, and charges no credits for it", async () => {
      await gateway.fund('bob', 1_000_000n);
      gateway.upstreams.groq.acceptKey(GROQ_USER_KEY);
      await addKey('bob', 'groq', GROQ_USER_KEY);
      const before = await gateway.account('bob');
      const { data, route, cost } = await ask('bob', { model: 'small-chat', messages: say(CHAT) });
      expect(route).toMatchObject({ provider: 'groq', model: 'small-chat', byok: 'true' });
      expect(data.choices[0].message.content).toBe('groq says hello to small-chat');
      expect(gateway.upstreams.groq.requests.at(-1)?.headers.authorization).toBe(`Bearer ${GROQ_USER_KEY}`);
      expect(cost).toBe('0');
      expect(await gateway.account('bob')).toMatchObject({
        balance_micros: before.balance_micros,
        reserved_micros: '0',
      });
      const { completed, routed } = await gateway.recorded(route.requestId);
      expect(routed?.reservedMicros).toBe('0');
      expect(completed).toMatchObject({ byok: true, costMicros: '0', provider: 'groq' });
      expect(BigInt(completed!.listCostMicros)).toBeGreaterThan(0n);

      // Other users still go through the platform's key.
      await ask('fred', { model: 'small-chat', messages: say(CHAT) });
      expect(gateway.upstreams.groq.requests.at(-1)?.headers.authorization).toBe('Bearer gsk_platform');
    });

    it('prefers the provider the user has a key for over a cheaper one, and serves it on an empty balance', async () => {
      const model = 'shared-model';
      // Without a key, DeepInfra's price ($0.20) beats Together's ($1) for the same model.
      expect((await ask('stella', { model, messages: say(CHAT) })).route.provider).toBe('deepinfra');
      await gateway.setPlan('carol', { tier: 'starter' });
      const calls = remoteCalls();
      const broke = await refusal('carol', { model, messages: say(CHAT) });
      expect(broke).toMatchObject({ status: 402, code: 'insufficient_credits', type: 'insufficient_quota' });
      expect(remoteCalls()).toBe(calls);
      // A refusal before routing is counted in the metrics, not recorded (issue 10, item 9).
      const refusedId = broke.headers?.get('x-ops-request-id');
      expect(refusedId).toBeTruthy();
      expect(await gateway.recorded(refusedId!)).toEqual({});

      gateway.upstreams.together.acceptKey(TOGETHER_USER_KEY);
      await addKey('carol', 'together', TOGETHER_USER_KEY);
      const { route } = await ask('carol', { model, messages: say(CHAT) });
      expect(route).toMatchObject({ provider: 'together', model, byok: 'true', reason: 'requested model' });
      expect(gateway.upstreams.together.requests.at(-1)?.headers.authorization).toBe(
        `Bearer ${TOGETHER_USER_KEY}`,
      );
      const { routed, completed } = await gateway.recorded(route.requestId);
      // Nothing to hold: the platform-paid fallback is left out rather than refused for the balance.
      expect(routed?.candidates).toEqual([
        { provider: 'together', model, byok: true, reason: 'requested model' },
      ]);
      expect(completed).toMatchObject({ byok: true, costMicros: '0' });
      expect(await gateway.account('carol')).toMatchObject({ balance_micros: '0', reserved_micros: '0' });
    });
  });

  describe('Anthropic through the OpenAI wire', () => {
    let apiKey: string;
    let apiKeyId: string;
    const sdk = () => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });
    const weather: OpenAI.ChatCompletionTool = {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'The weather in a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    };

    beforeAll(async () => {
      const issued = await request(gateway.app.getHttpServer())
        .post('/api/v1/llm/api-keys')
        .set('Authorization', `Bearer ${gateway.token('stella', 'user')}`)
        .send({ name: 'anthropic suite' })
        .expect(201);
      apiKey = issued.body.key;
      apiKeyId = issued.body.id;
      // The key authenticates once the api-keys projection applied it.
      await eventually(() => sdk().models.list());
    });

    it('answers non-streaming, with the usage Anthropic reported, through a personal API key', async () => {
      const { data, response } = await sdk()
        .chat.completions.create({ model: 'claude-haiku-4-5', messages: say('Say hello') })
        .withResponse();
      expect(data).toMatchObject({
        object: 'chat.completion',
        model: 'claude-haiku-4-5',
        choices: [
          {
            index: 0,
            finish_reason: 'stop',
            message: { role: 'assistant', content: 'anthropic says hello to claude-haiku-4-5' },
          },
        ],
        usage: { prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 },
      });
      const route = routeOf(response.headers);
      expect(route).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5', attempts: '1' });
      const sent = gateway.upstreams.anthropic.requests.at(-1)!;
      expect(sent).toMatchObject({ method: 'POST', path: '/v1/messages' });
      expect(sent.headers['x-api-key']).toBe('sk-ant-platform');
      expect(sent.headers['anthropic-version']).toBeTruthy();
      expect(sent.body).toMatchObject({ model: 'claude-haiku-4-5', messages: [{ role: 'user' }] });
      expect((sent.body as { max_tokens: number }).max_tokens).toBeGreaterThan(0);
      const { routed, completed } = await gateway.recorded(route.requestId);
      expect(routed?.apiKeyId).toBe(apiKeyId);
      expect(completed).toMatchObject({ inputTokens: 2, outputTokens: 5, usageEstimated: false });
    });

    it('streams, ending with the usage chunk', async () => {
      const stream = await sdk().chat.completions.create({
        model: 'claude-haiku-4-5',
        messages: say('Say hello'),
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let finish: string | null = null;
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usage = chunk.usage;
        expect(chunk.model).toBe('claude-haiku-4-5');
      }
      expect(text).toBe('anthropic says hello to claude-haiku-4-5');
      expect(finish).toBe('stop');
      expect(usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 5 });
    });

    it('calls a tool, and takes its result back', async () => {
      const question = 'Please use a tool to get the weather in Paris';
      const first = await sdk().chat.completions.create({
        model: 'claude-haiku-4-5',
        messages: say(question),
        tools: [weather],
      });
      const choice = first.choices[0];
      expect(choice.finish_reason).toBe('tool_calls');
      const call = choice.message.tool_calls?.[0] as OpenAI.ChatCompletionMessageFunctionToolCall;
      expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
      expect(JSON.parse(call.function.arguments)).toEqual({ request: question });
      const sentTools = (gateway.upstreams.anthropic.requests.at(-1)!.body as { tools: unknown[] }).tools;
      expect(sentTools).toEqual([
        expect.objectContaining({ name: 'get_weather', input_schema: weather.function.parameters }),
      ]);

      const second = await sdk().chat.completions.create({
        model: 'claude-haiku-4-5',
        tools: [weather],
        messages: [
          ...say(question),
          { role: 'assistant', content: choice.message.content, tool_calls: [call] },
          { role: 'tool', tool_call_id: call.id, content: '18 °C and sunny' },
        ],
      });
      expect(second.choices[0]).toMatchObject({
        finish_reason: 'stop',
        message: { content: 'anthropic says hello to claude-haiku-4-5' },
      });
      const answered = gateway.upstreams.anthropic.requests.at(-1)!.body as {
        messages: { role: string; content: { type: string; tool_use_id?: string; id?: string }[] }[];
      };
      expect(answered.messages.at(-2)?.content).toContainEqual(
        expect.objectContaining({ type: 'tool_use', id: call.id }),
      );
      expect(answered.messages.at(-1)?.content).toContainEqual(
        expect.objectContaining({ type: 'tool_result', tool_use_id: call.id }),
      );
    });

    it('streams a tool call in pieces that add up to its arguments', async () => {
      const question = 'Please use a tool to get the weather in Oslo';
      const stream = await sdk().chat.completions.create({
        model: 'claude-haiku-4-5',
        messages: say(question),
        tools: [weather],
        stream: true,
      });
      let name = '';
      let args = '';
      let finish: string | null = null;
      for await (const chunk of stream) {
        for (const call of chunk.choices[0]?.delta?.tool_calls ?? []) {
          name += call.function?.name ?? '';
          args += call.function?.arguments ?? '';
        }
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(name).toBe('get_weather');
      expect(JSON.parse(args)).toEqual({ request: question });
      expect(finish).toBe('tool_calls');
    });
  });
});
