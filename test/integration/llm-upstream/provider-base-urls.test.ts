import type { AppConfig } from '../../../libs/infra/src/config/app-config';
import { ProviderEndpoints } from '../../../libs/infra/src/llm-upstream/provider-endpoints';
import { UpstreamClient } from '../../../libs/infra/src/llm-upstream/upstream-client';
import { UpstreamError } from '../../../libs/infra/src/llm-upstream/upstream-error';
import {
  startFakeAnthropicProvider,
  startFakeOpenAiProvider,
  type FakeProvider,
} from '../../support/fake-providers';

/** Both fakes answer 404 on any path but their own (`/v1/messages`, `/v1/chat/completions`). */
describe('provider base URLs as each SDK reads them', () => {
  let anthropic: FakeProvider;
  let openai: FakeProvider;
  const client = new UpstreamClient();

  beforeAll(async () => {
    anthropic = await startFakeAnthropicProvider({ name: 'claude', apiKey: 'sk-ant-key' });
    openai = await startFakeOpenAiProvider({ name: 'gpt', apiKey: 'sk-key' });
  });
  afterAll(async () => {
    await client.close();
    await Promise.all([anthropic.close(), openai.close()]);
  });

  const answerThrough = async (provider: 'anthropic' | 'openai', env: Record<string, string>) => {
    const endpoints = new ProviderEndpoints({ providerEnv: env } as unknown as AppConfig);
    const endpoint = endpoints.endpoint(provider)!;
    const { body } = await client.complete(
      {
        provider,
        wireFormat: endpoint.provider.wireFormat,
        baseUrl: endpoint.baseUrl,
        apiKey: endpoint.platformKey,
        model: `${provider === 'anthropic' ? 'claude' : 'gpt'}-model`,
        timeoutMs: 2_000,
      },
      { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
    );
    return body.choices[0].message.content;
  };

  it('takes ANTHROPIC_BASE_URL without /v1, as the Anthropic SDK does, and with it, never doubled', async () => {
    const origin = anthropic.baseUrl.replace(/\/v1$/, '');
    for (const baseUrl of [origin, `${origin}/`, `${origin}/v1`, `${origin}/v1/`]) {
      anthropic.reset();
      await expect(
        answerThrough('anthropic', { ANTHROPIC_BASE_URL: baseUrl, ANTHROPIC_API_KEY: 'sk-ant-key' }),
      ).resolves.toBe('claude says hello to claude-model');
      expect(anthropic.requests.map((request) => request.path)).toEqual(['/v1/messages']);
    }
  });

  it('takes OPENAI_BASE_URL with /v1, as the OpenAI SDK does', async () => {
    await expect(
      answerThrough('openai', { OPENAI_BASE_URL: openai.baseUrl, OPENAI_API_KEY: 'sk-key' }),
    ).resolves.toBe('gpt says hello to gpt-model');
    expect(openai.baseUrl).toMatch(/\/v1$/);
  });

  it('is what a wrong path looks like: the fake answers 404', async () => {
    const endpoints = new ProviderEndpoints({
      providerEnv: { OPENAI_BASE_URL: openai.baseUrl.replace(/\/v1$/, ''), OPENAI_API_KEY: 'sk-key' },
    } as unknown as AppConfig);
    const endpoint = endpoints.endpoint('openai')!;
    const failure = await client
      .complete(
        {
          ...endpoint,
          provider: 'openai',
          wireFormat: 'openai',
          apiKey: 'sk-key',
          model: 'gpt-model',
          timeoutMs: 2_000,
        },
        { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
      )
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect((failure as UpstreamError).status).toBe(404);
  });
});
