import OpenAI from 'openai';
import request from 'supertest';
import { startTestApp, type TestApp } from './app';
import { startFakeAnthropicProvider, startFakeOpenAiProvider, type FakeProvider } from './fake-providers';

/** The stand-in upstreams a gateway suite routes to, each with the key the platform is given. */
export interface GatewayUpstreams {
  openai: FakeProvider;
  groq: FakeProvider;
  together: FakeProvider;
  anthropic: FakeProvider;
  ollama: FakeProvider;
}

export interface GatewayTestApp extends TestApp {
  url: string;
  upstreams: GatewayUpstreams;
  /** An OpenAI SDK client pointed at one of the gateway's two mounts, as `user`. */
  sdk(user: string, mount?: '/v1' | '/api/v1/llm', ...roles: ('user' | 'admin')[]): OpenAI;
  fund(user: string, micros: bigint): Promise<void>;
  setPlan(
    user: string,
    plan: { tier?: string; cap?: bigint | null; power?: string; privacy?: boolean },
  ): Promise<void>;
  account(user: string): Promise<Record<string, string | number | boolean | null>>;
}

/** The single-node product with every upstream replaced by a local server speaking its wire format. */
export async function startGatewayApp(env: Record<string, string> = {}): Promise<GatewayTestApp> {
  const upstreams: GatewayUpstreams = {
    openai: await startFakeOpenAiProvider({ name: 'openai', apiKey: 'sk-platform-openai' }),
    groq: await startFakeOpenAiProvider({ name: 'groq', apiKey: 'gsk_platform' }),
    together: await startFakeOpenAiProvider({ name: 'together', apiKey: 'together-platform' }),
    anthropic: await startFakeAnthropicProvider({ name: 'anthropic', apiKey: 'sk-ant-platform' }),
    ollama: await startFakeOpenAiProvider({ name: 'ollama', apiKey: null }),
  };
  const app = await startTestApp({
    OPENAI_BASE_URL: upstreams.openai.baseUrl,
    OPENAI_API_KEY: 'sk-platform-openai',
    GROQ_BASE_URL: upstreams.groq.baseUrl,
    GROQ_API_KEY: 'gsk_platform',
    TOGETHER_BASE_URL: upstreams.together.baseUrl,
    TOGETHER_API_KEY: 'together-platform',
    ANTHROPIC_BASE_URL: upstreams.anthropic.baseUrl,
    ANTHROPIC_API_KEY: 'sk-ant-platform',
    OLLAMA_BASE_URL: upstreams.ollama.baseUrl,
    LLM_HEALTH_PROBE_SECONDS: '0',
    ...env,
  });
  await app.app.listen(0, '127.0.0.1');
  const url = (await app.app.getUrl()).replace('[::1]', '127.0.0.1');
  const admin = app.token('admin-1', 'admin');
  const server = app.app.getHttpServer();
  return {
    ...app,
    url,
    upstreams,
    sdk: (user, mount = '/v1', ...roles) =>
      new OpenAI({
        baseURL: `${url}${mount}`,
        apiKey: app.token(user, ...(roles.length > 0 ? roles : (['user'] as const))),
        maxRetries: 0,
      }),
    fund: async (user, micros) => {
      await request(server)
        .post('/api/v1/llm/credits/grant')
        .set('Authorization', `Bearer ${admin}`)
        .send({ user_id: user, amount_micros: micros.toString(), reason: 'test funds' })
        .expect(201);
    },
    setPlan: async (user, plan) => {
      await request(server)
        .put('/api/v1/llm/credits/plan')
        .set('Authorization', `Bearer ${admin}`)
        .send({
          user_id: user,
          tier: plan.tier ?? 'free',
          monthly_cap_micros: plan.cap === undefined || plan.cap === null ? null : plan.cap.toString(),
          default_power_level: plan.power ?? 'balanced',
          privacy_mode: plan.privacy ?? false,
        })
        .expect(200);
    },
    account: async (user) =>
      (
        await request(server)
          .get(`/api/v1/llm/credits/account?user_id=${user}`)
          .set('Authorization', `Bearer ${admin}`)
          .expect(200)
      ).body,
    close: async () => {
      await app.close();
      await Promise.all(Object.values(upstreams).map((upstream: FakeProvider) => upstream.close()));
    },
  };
}
