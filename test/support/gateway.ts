import {
  asRequestCompleted,
  llmRequestStream,
  type PowerLevel,
  type RequestCompleted,
  type RequestFailed,
  type RequestRoute,
  type TaskKind,
  type Tier,
} from '@ops/domain';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { APIError } from 'openai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { startTestApp, type TestApp } from './app';
import { startFakeAnthropicProvider, startFakeOpenAiProvider, type FakeProvider } from './fake-providers';

/** One entry of a catalog file (libs/domain/src/llm/parse-catalog.ts); prices in micro-USD per million tokens. */
function catalogEntry(
  provider: string,
  id: string,
  family: string,
  spec: {
    tier: Tier;
    levels: PowerLevel[];
    quality: number;
    strengths: TaskKind[];
    prices: [string, string];
  },
): object {
  return {
    id,
    provider,
    family,
    display_name: id,
    input_micros_per_million: spec.prices[0],
    output_micros_per_million: spec.prices[1],
    context_length: 32_768,
    max_output_tokens: 4_096,
    capabilities: { tools: true, vision: false, json: true },
    min_tier: spec.tier,
    power_levels: spec.levels,
    quality: spec.quality,
    strengths: spec.strengths,
  };
}

const EVERY_LEVEL: PowerLevel[] = ['eco', 'balanced', 'precision'];

/**
 * A catalog for routing and fallback suites, so their expectations follow from a few clear-cut
 * figures instead of the shipped catalog's prices, which move:
 * - eco: the local models cost nothing; the coder one is strong at code.
 * - balanced: `mid-chat` (quality 8 at $0.50) beats the cheap `small-chat` (5) and Sonnet (10 at $6
 *   blended); `analyst` (8 at $0.55, strong at analysis) wins analysis only.
 * - precision: Sonnet (10) for the professional tier.
 * - `shared-model` is served by Together ($1) and DeepInfra ($0.20); family `large` by Groq, Together
 *   and Fireworks, in that order of price; `small-chat` shares its family with the local `local-chat`.
 */
export const GATEWAY_TEST_CATALOG: object[] = [
  catalogEntry('ollama', 'local-chat', 'small', {
    tier: 'free',
    levels: EVERY_LEVEL,
    quality: 3,
    strengths: ['chat'],
    prices: ['0', '0'],
  }),
  catalogEntry('ollama', 'local-coder', 'local-coder', {
    tier: 'free',
    levels: EVERY_LEVEL,
    quality: 3,
    strengths: ['code'],
    prices: ['0', '0'],
  }),
  catalogEntry('groq', 'small-chat', 'small', {
    tier: 'free',
    levels: ['eco', 'balanced'],
    quality: 5,
    strengths: ['chat'],
    prices: ['100000', '100000'],
  }),
  catalogEntry('openai', 'gpt-4o-mini', 'gpt-4o-mini', {
    tier: 'free',
    levels: ['eco', 'balanced'],
    quality: 6,
    strengths: ['chat'],
    prices: ['150000', '600000'],
  }),
  catalogEntry('together', 'mid-chat', 'mid', {
    tier: 'starter',
    levels: ['balanced', 'precision'],
    quality: 8,
    strengths: [],
    prices: ['500000', '500000'],
  }),
  catalogEntry('deepinfra', 'analyst', 'analyst', {
    tier: 'starter',
    levels: ['balanced'],
    quality: 8,
    strengths: ['analysis'],
    prices: ['550000', '550000'],
  }),
  catalogEntry('anthropic', 'claude-haiku-4-5', 'claude-haiku', {
    tier: 'starter',
    levels: ['eco', 'balanced'],
    quality: 7,
    strengths: ['chat', 'code'],
    prices: ['1000000', '5000000'],
  }),
  catalogEntry('anthropic', 'claude-sonnet-4-5', 'claude-sonnet', {
    tier: 'professional',
    levels: ['balanced', 'precision'],
    quality: 10,
    strengths: ['code', 'creative', 'analysis'],
    prices: ['3000000', '15000000'],
  }),
  ...(['together', 'deepinfra'] as const).map((provider) =>
    catalogEntry(provider, 'shared-model', 'shared', {
      tier: 'starter',
      levels: ['eco'],
      quality: 4,
      strengths: [],
      prices: provider === 'together' ? ['1000000', '1000000'] : ['200000', '200000'],
    }),
  ),
  ...(
    [
      ['groq', '590000'],
      ['together', '880000'],
      ['fireworks', '900000'],
    ] as const
  ).map(([provider, price]) =>
    catalogEntry(provider, `large-${provider}`, 'large', {
      tier: 'starter',
      levels: ['precision'],
      quality: 5,
      strengths: [],
      prices: [price, price],
    }),
  ),
];

/** The stand-in upstreams a gateway suite routes to, each with the key the platform is given. */
export interface GatewayUpstreams {
  openai: FakeProvider;
  groq: FakeProvider;
  together: FakeProvider;
  anthropic: FakeProvider;
  ollama: FakeProvider;
}

export interface StoredEvent {
  type: string;
  data: Record<string, unknown>;
}

/** What the ledger recorded for one request, by the `x-ops-request-id` the gateway answered with. */
export interface RequestRecord {
  /** How it was routed: the `route` its completion or failure carries. */
  routed?: RequestRoute;
  completed?: RequestCompleted['data'];
  failed?: RequestFailed['data'];
}

export interface GatewayTestApp extends TestApp {
  url: string;
  upstreams: GatewayUpstreams;
  /** An OpenAI SDK client pointed at one of the gateway's two mounts, as `user`. */
  sdk(user: string, mount?: '/v1' | '/api/v1/llm', ...roles: ('user' | 'admin')[]): OpenAI;
  /** An Anthropic SDK client pointed at the gateway as `ANTHROPIC_BASE_URL` would, as `user` (a bearer JWT). */
  anthropic(user: string): Anthropic;
  fund(user: string, micros: bigint): Promise<void>;
  setPlan(
    user: string,
    plan: { tier?: string; cap?: bigint | null; power?: string; privacy?: boolean },
  ): Promise<void>;
  account(user: string): Promise<Record<string, string | number | boolean | null>>;
  /** One stream's events, oldest first, read from the store's table. */
  events(stream: string): Promise<StoredEvent[]>;
  recorded(requestId: string): Promise<RequestRecord>;
}

export interface GatewayAppOptions {
  /** Catalog entries served instead of the built-in catalog (e.g. GATEWAY_TEST_CATALOG). */
  catalog?: object[];
}

/** The SDK's error for a request the gateway must refuse or fail; an answer fails the test instead. */
export function failureOf(pending: Promise<unknown>): Promise<APIError> {
  return pending.then(
    () => {
      throw new Error('the gateway answered a request it should have refused or failed');
    },
    (error: unknown) => error as APIError,
  );
}

/** The body's `error.message` as the gateway wrote it (the SDK's own message adds the status). */
export function errorMessageOf(error: APIError): string {
  return (error.error as { message: string }).message;
}

/** Why the gateway routed a request where it did, from its response headers. */
export function routeOf(headers: Headers) {
  return {
    provider: headers.get('x-ops-provider'),
    model: headers.get('x-ops-model'),
    reason: headers.get('x-ops-route-reason'),
    powerLevel: headers.get('x-ops-power-level'),
    task: headers.get('x-ops-task'),
    byok: headers.get('x-ops-byok'),
    attempts: headers.get('x-ops-attempts'),
    requestId: headers.get('x-ops-request-id') ?? '',
  };
}

/** The single-node product with every upstream replaced by a local server speaking its wire format. */
export async function startGatewayApp(
  env: Record<string, string> = {},
  options: GatewayAppOptions = {},
): Promise<GatewayTestApp> {
  const catalogDir = mkdtempSync(join(tmpdir(), 'ops-catalog-'));
  const catalog: Record<string, string> = {};
  if (options.catalog) {
    catalog.LLM_CATALOG_FILE = join(catalogDir, 'catalog.json');
    writeFileSync(catalog.LLM_CATALOG_FILE, JSON.stringify(options.catalog));
  }
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
    ...catalog,
    ...env,
  });
  await app.app.listen(0, '127.0.0.1');
  const url = (await app.app.getUrl()).replace('[::1]', '127.0.0.1');
  const admin = app.token('admin-1', 'admin');
  const server = app.app.getHttpServer();
  const db = new Client({ connectionString: app.database.url });
  await db.connect();
  const events = async (stream: string): Promise<StoredEvent[]> =>
    (
      await db.query<StoredEvent>('SELECT type, data FROM events WHERE stream_name = $1 ORDER BY revision', [
        stream,
      ])
    ).rows;
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
    anthropic: (user) =>
      new Anthropic({ baseURL: url, apiKey: null, authToken: app.token(user, 'user'), maxRetries: 0 }),
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
    events,
    recorded: async (requestId) => {
      const recorded: RequestRecord = {};
      // Its own stream, or the debit that settled its hold (which carries a completion since schema 4).
      const { rows } = await db.query<StoredEvent & { schemaVersion: number }>(
        `SELECT type, schema_version AS "schemaVersion", data FROM events
          WHERE stream_name = $1 OR (type = 'CreditsDebited' AND data->>'requestId' = $2)
          ORDER BY global_position`,
        [llmRequestStream(requestId), requestId],
      );
      for (const event of rows) {
        const completion = asRequestCompleted(event);
        if (completion) recorded.completed = completion.data;
        if (event.type === 'RequestFailed') recorded.failed = event.data as RequestFailed['data'];
      }
      recorded.routed = (recorded.completed ?? recorded.failed)?.route;
      return recorded;
    },
    close: async () => {
      await db.end();
      await app.close();
      await Promise.all(Object.values(upstreams).map((upstream: FakeProvider) => upstream.close()));
      rmSync(catalogDir, { recursive: true, force: true });
    },
  };
}
