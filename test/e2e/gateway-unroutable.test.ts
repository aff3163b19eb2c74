import OpenAI from 'openai';
import request from 'supertest';
import { eventually } from '../support/app';
import type { FakeProvider } from '../support/fake-providers';
import {
  errorMessageOf,
  failureOf,
  GATEWAY_TEST_CATALOG,
  startGatewayApp,
  type GatewayTestApp,
} from '../support/gateway';

const PROMPT: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hello there, how are you?' }];
const OWN_OPENAI_KEY = 'sk-quinnOwnOpenAiKey000000000000';
const BYOK_ROUTE = /with BYOK \((POST) (\/api\/v1\/[a-z/]+)\)/;

/*
 * Issue 15: a request the gateway cannot route says what a person can do about it. The stand-in
 * upstreams run, but the platform is given no key and no local server: nothing is configured.
 */
describe('LLM gateway: requests it cannot route name the remedy', () => {
  let gateway: GatewayTestApp;

  const refusal = (model: string) =>
    failureOf(gateway.sdk('quinn').chat.completions.create({ model, messages: PROMPT }));
  const upstreamCalls = () =>
    Object.values(gateway.upstreams).reduce(
      (sum, upstream: FakeProvider) =>
        sum + upstream.requests.filter((call) => call.method === 'POST').length,
      0,
    );

  beforeAll(async () => {
    gateway = await startGatewayApp(
      {
        OPENAI_API_KEY: '',
        GROQ_API_KEY: '',
        TOGETHER_API_KEY: '',
        ANTHROPIC_API_KEY: '',
        OLLAMA_BASE_URL: '',
      },
      { catalog: GATEWAY_TEST_CATALOG },
    );
    await gateway.setPlan('quinn', { tier: 'professional' });
    await gateway.fund('quinn', 1_000_000n);
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('says that nothing is configured and what to set, whatever the model', async () => {
    for (const model of ['auto', 'claude-haiku-4-5']) {
      const error = await refusal(model);
      expect(error.status).toBe(503);
      expect(error.error).toEqual({
        message:
          "no provider configured: set OPENAI_API_KEY or another provider's key (VLLM_BASE_URL or " +
          'OLLAMA_BASE_URL for a local server), or add your own key with BYOK (POST /api/v1/llm/byok/keys)',
        type: 'api_error',
        param: null,
        code: 'no_provider_configured',
      });
    }
    expect(upstreamCalls()).toBe(0);
    expect(await gateway.account('quinn')).toMatchObject({ balance_micros: '1000000', reserved_micros: '0' });
  });

  it("names the model's provider and its variable once another provider serves, and the remedy works", async () => {
    // The remedy the refusal names, followed to the letter: the user's own key, added where it says.
    const [, method, path] = BYOK_ROUTE.exec(errorMessageOf(await refusal('gpt-4o-mini'))) ?? [];
    expect([method, path]).toEqual(['POST', '/api/v1/llm/byok/keys']);
    gateway.upstreams.openai.acceptKey(OWN_OPENAI_KEY);
    await request(gateway.app.getHttpServer())
      .post(path)
      .set('Authorization', `Bearer ${gateway.token('quinn', 'user')}`)
      .send({ provider: 'openai', api_key: OWN_OPENAI_KEY })
      .expect(201);
    const answer = await eventually(() =>
      gateway.sdk('quinn').chat.completions.create({ model: 'gpt-4o-mini', messages: PROMPT }),
    );
    expect(answer.choices[0].message.content).toBe('openai says hello to gpt-4o-mini');

    const error = await refusal('claude-haiku-4-5');
    expect(error.status).toBe(503);
    expect(error.error).toEqual({
      message:
        "only anthropic serves 'claude-haiku-4-5', and it is not configured here: set ANTHROPIC_API_KEY, " +
        'or add your own anthropic key with BYOK (POST /api/v1/llm/byok/keys)',
      type: 'api_error',
      param: 'model',
      code: 'provider_not_configured',
    });
    const family = await refusal('small-chat');
    expect([family.code, errorMessageOf(family)]).toEqual([
      'provider_not_configured',
      "only ollama and groq serve 'small-chat', and none of them is configured here: " +
        'set OLLAMA_BASE_URL or GROQ_API_KEY, or add your own groq key with BYOK (POST /api/v1/llm/byok/keys)',
    ]);
  });

  it('names the plan setting when the tier is what stands in the way', async () => {
    await gateway.setPlan('quinn', { tier: 'starter' });
    const error = await refusal('claude-sonnet-4-5');
    expect(error).toMatchObject({ status: 403, code: 'model_not_in_tier', param: 'model' });
    expect(errorMessageOf(error)).toBe(
      "model 'claude-sonnet-4-5' needs the professional tier or higher; this account is on starter: " +
        "an admin can raise the plan's tier (PUT /api/v1/llm/credits/plan)",
    );
  });
});
