import {
  LLM_CATALOG_SCHEMA_VERSIONS,
  LLM_CATALOG_STREAM,
  type CatalogModelsChanged,
  type ModelTerms,
} from '@ops/domain';
import { EVENT_STORE, type EventStore } from '@ops/infra/event-store/event-store';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { eventually } from '../support/app';
import {
  errorMessageOf,
  failureOf,
  GATEWAY_TEST_CATALOG,
  startGatewayApp,
  type GatewayTestApp,
} from '../support/gateway';

const entry = GATEWAY_TEST_CATALOG.find((model) => (model as { id: string }).id === 'gpt-4o-mini') as Record<
  string,
  unknown
>;
/** The test catalog plus a retired and a deprecated model of one family, and an embedding model. */
const CATALOG = [
  ...GATEWAY_TEST_CATALOG,
  { ...entry, id: 'gpt-old', family: 'gpt-4o-mini', lifecycle: 'retired', replacement: 'gpt-4o-mini' },
  { ...entry, id: 'gpt-aging', family: 'gpt-4o-mini', lifecycle: 'deprecated', replacement: 'gpt-4o-mini' },
  {
    ...entry,
    id: 'text-embedding-3-small',
    family: 'text-embedding-3-small',
    kind: 'embedding',
    max_output_tokens: 0,
    output_micros_per_million: '0',
    dimensions: 8,
  },
];

/** LiteLLM's shape for the entries the tests import. */
const LITELLM_PRICES = {
  sample_spec: { litellm_provider: 'one of https://docs.litellm.ai/docs/providers', mode: 'one of: chat' },
  'gpt-4o-mini': {
    litellm_provider: 'openai',
    mode: 'chat',
    input_cost_per_token: 3e-7,
    output_cost_per_token: 1.2e-6,
    max_input_tokens: 32768,
    max_output_tokens: 4096,
  },
  'text-embedding-3-small': {
    litellm_provider: 'openai',
    mode: 'embedding',
    input_cost_per_token: 2e-8,
    output_cost_per_token: 0,
    max_input_tokens: 32768,
  },
  'together_ai/some/unknown-model': {
    litellm_provider: 'together_ai',
    mode: 'chat',
    input_cost_per_token: 1e-7,
  },
  'gemini-2.5-pro': {
    litellm_provider: 'vertex_ai-language-models',
    mode: 'chat',
    input_cost_per_token: 1e-6,
  },
};

describe('the catalog: lifecycles, price imports as events, and the gateway following them', () => {
  let gateway: GatewayTestApp;
  let priceServer: Server;
  let priceHost: string;

  beforeAll(async () => {
    priceServer = createServer((req, res) => {
      if (req.url === '/prices.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(LITELLM_PRICES));
      } else if (req.url === '/moved') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => priceServer.listen(0, '127.0.0.1', resolve));
    priceHost = `127.0.0.1:${(priceServer.address() as AddressInfo).port}`;
    gateway = await startGatewayApp({ LLM_PRICE_IMPORT_HOSTS: priceHost }, { catalog: CATALOG });
    await gateway.fund('alice', 10_000_000n);
  });
  afterAll(async () => {
    await gateway?.close();
    await new Promise((resolve) => priceServer?.close(resolve));
  });

  const admin = () => gateway.token('root', 'admin');
  const importPrices = (body: object, token = admin()) =>
    request(gateway.app.getHttpServer())
      .post('/api/v1/llm/catalog/price-imports')
      .set('Authorization', `Bearer ${token}`)
      .set('Idempotency-Key', randomUUID())
      .send(body);
  const catalogEvents = () => gateway.events(LLM_CATALOG_STREAM);

  it('refuses a retired model naming its replacement, in OpenAI’s shape on both mounts', async () => {
    for (const mount of ['/v1', '/api/v1/llm'] as const) {
      const error = await failureOf(
        gateway.sdk('alice', mount).chat.completions.create({
          model: 'gpt-old',
          messages: [{ role: 'user', content: 'hi' }],
        }),
      );
      expect([error.status, error.code, error.param]).toEqual([404, 'model_retired', 'model']);
      expect(errorMessageOf(error)).toBe("model 'gpt-old' has been retired; use 'gpt-4o-mini' instead");
    }
    expect(gateway.upstreams.openai.requests).toHaveLength(0);
  });

  it('answers a deprecated model and says so in the response headers', async () => {
    const { response } = await gateway
      .sdk('alice')
      .chat.completions.create({ model: 'gpt-aging', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(response.headers.get('x-ops-model')).toBe('gpt-aging');
    expect(response.headers.get('x-ops-model-lifecycle')).toBe('deprecated');
    expect(response.headers.get('x-ops-model-replacement')).toBe('gpt-4o-mini');
  });

  it('lists lifecycles and kinds in /v1/models, and no retired model', async () => {
    const models = (await gateway.sdk('alice').models.list()).data as unknown as Record<string, unknown>[];
    const byId = new Map(models.map((model) => [model.id, model]));
    expect(byId.has('gpt-old')).toBe(false);
    expect(byId.get('gpt-aging')).toMatchObject({
      lifecycle: 'deprecated',
      replacement: 'gpt-4o-mini',
      kind: 'chat',
    });
    expect(byId.get('gpt-4o-mini')).toMatchObject({ lifecycle: 'active', replacement: null });
    expect(byId.get('text-embedding-3-small')).toMatchObject({ kind: 'embedding', dimensions: 8 });
  });

  it('lets only an admin import, and a dry run reports everything while recording nothing', async () => {
    await importPrices({ format: 'litellm', prices: LITELLM_PRICES }, gateway.token('bob', 'user')).expect(
      403,
    );
    const dry = await importPrices({ format: 'litellm', prices: LITELLM_PRICES, dry_run: true }).expect(200);
    expect(dry.body).toMatchObject({
      dry_run: true,
      applied: false,
      catalog_version: 0,
      source: { format: 'litellm', location: 'inline' },
      unchanged: 0,
      unmatched: { together: 1 },
      unknown_providers: { 'vertex_ai-language-models': 1 },
      rejected: [],
    });
    expect(dry.body.changes).toEqual([
      {
        provider: 'openai',
        model: 'gpt-4o-mini',
        before: expect.objectContaining({
          input_micros_per_million: '150000',
          output_micros_per_million: '600000',
        }),
        after: expect.objectContaining({
          input_micros_per_million: '300000',
          output_micros_per_million: '1200000',
        }),
      },
      {
        provider: 'openai',
        model: 'text-embedding-3-small',
        before: expect.objectContaining({ input_micros_per_million: '150000' }),
        after: expect.objectContaining({ input_micros_per_million: '20000', output_micros_per_million: '0' }),
      },
    ]);
    expect(await catalogEvents()).toEqual([]);
  });

  it('refuses a list with a negative or missing price, naming each entry, and records nothing', async () => {
    const response = await importPrices({
      format: 'litellm',
      prices: {
        'gpt-4o-mini': {
          litellm_provider: 'openai',
          mode: 'chat',
          input_cost_per_token: -1,
          output_cost_per_token: 1e-6,
        },
        'text-embedding-3-small': {
          litellm_provider: 'openai',
          mode: 'embedding',
          input_cost_per_token: null,
        },
      },
    }).expect(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.errors).toEqual([
      { field: 'prices.gpt-4o-mini', message: 'gpt-4o-mini: input_cost_per_token must not be negative' },
      {
        field: 'prices.text-embedding-3-small',
        message: 'text-embedding-3-small: input_cost_per_token must be a number',
      },
    ]);
    expect(await catalogEvents()).toEqual([]);
  });

  it('fetches only from allowed hosts, and follows no redirect', async () => {
    await importPrices({ format: 'litellm', url: 'https://example.com/prices.json', dry_run: true }).expect(
      400,
    );
    await importPrices({ format: 'litellm', url: `http://user:pw@${priceHost}/prices.json` }).expect(400);
    await importPrices({ format: 'litellm', url: `http://${priceHost}/moved`, dry_run: true }).expect(502);
    await importPrices({ format: 'litellm', url: `http://${priceHost}/prices.json`, prices: {} }).expect(400);
  });

  it('records an import as a catalog event, prices the next request with it and says so', async () => {
    const applied = await importPrices({ format: 'litellm', url: `http://${priceHost}/prices.json` }).expect(
      200,
    );
    expect(applied.body).toMatchObject({
      applied: true,
      catalog_version: 1,
      source: {
        location: `http://${priceHost}/prices.json`,
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    });
    const [changed] = await catalogEvents();
    expect(changed.type).toBe('CatalogModelsChanged');
    expect((changed.data as CatalogModelsChanged['data']).changes.map((change) => change.model)).toEqual([
      'gpt-4o-mini',
      'text-embedding-3-small',
    ]);

    const { response } = await gateway
      .sdk('alice')
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }] })
      .withResponse();
    expect(response.headers.get('x-ops-catalog-version')).toBe('1');
    const { completed } = await gateway.recorded(response.headers.get('x-ops-request-id')!);
    expect(completed?.pricing).toEqual({
      catalogVersion: 1,
      inputMicrosPerMillion: '300000',
      outputMicrosPerMillion: '1200000',
    });
    const expected =
      (BigInt(completed!.inputTokens) * 300_000n + BigInt(completed!.outputTokens) * 1_200_000n + 999_999n) /
      1_000_000n;
    expect(completed?.costMicros).toBe(expected.toString());
    const listed = (await gateway.sdk('alice').models.list()).data.find(
      (model) => model.id === 'gpt-4o-mini',
    );
    expect((listed as unknown as { pricing: object }).pricing).toEqual({
      input_micros_per_million: '300000',
      output_micros_per_million: '1200000',
      cache_read_micros_per_million: null,
      cache_write_micros_per_million: null,
    });
  });

  it('follows a catalog change another replica recorded, without a restart', async () => {
    const store = gateway.app.get<EventStore>(EVENT_STORE);
    const terms = (input: string): ModelTerms => ({
      inputMicrosPerMillion: input,
      outputMicrosPerMillion: '1200000',
      contextLength: 32768,
      maxOutputTokens: 4096,
      lifecycle: 'active',
      replacement: null,
    });
    await store.append(
      LLM_CATALOG_STREAM,
      [
        {
          id: randomUUID(),
          type: 'CatalogModelsChanged',
          schemaVersion: LLM_CATALOG_SCHEMA_VERSIONS.CatalogModelsChanged,
          data: {
            version: 2,
            source: { format: 'operator', location: null, sha256: null },
            changes: [
              { provider: 'openai', model: 'gpt-4o-mini', before: terms('300000'), after: terms('450000') },
            ],
          },
          metadata: {
            actor: 'replica-2',
            correlationId: randomUUID(),
            causationId: null,
            occurredAt: new Date().toISOString(),
            source: 'test',
          },
        },
      ],
      // The stream's first event (revision 0) is the import above.
      0n,
    );
    await eventually(async () => {
      const { response } = await gateway
        .sdk('alice')
        .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }] })
        .withResponse();
      expect(response.headers.get('x-ops-catalog-version')).toBe('2');
      const { completed } = await gateway.recorded(response.headers.get('x-ops-request-id')!);
      expect(completed?.pricing?.inputMicrosPerMillion).toBe('450000');
    });
  });
});
