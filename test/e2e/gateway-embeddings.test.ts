import { creditAccountStream, llmRequestStream } from '@ops/domain';
import request from 'supertest';
import { eventually } from '../support/app';
import type OpenAI from 'openai';
import {
  fakeEmbedding,
  FAKE_EMBEDDING_DIMENSIONS,
  startFakeHuggingFaceProvider,
  type FakeProvider,
} from '../support/fake-providers';
import { errorMessageOf, failureOf, startGatewayApp, type GatewayTestApp } from '../support/gateway';

/** text-embedding-3-small's list price, in micro-USD per million tokens. */
const SMALL_PRICE = 20_000n;

describe('embeddings through the official openai SDK', () => {
  let gateway: GatewayTestApp;

  beforeAll(async () => {
    gateway = await startGatewayApp();
    await gateway.fund('alice', 10_000_000n);
  });
  afterAll(async () => gateway?.close());

  const lastUpstreamBody = () => gateway.upstreams.openai.requests.at(-1)!.body as Record<string, unknown>;

  it('answers one string as floats on both mounts, asking the provider for floats', async () => {
    for (const mount of ['/v1', '/api/v1/llm'] as const) {
      const { data, response } = await gateway
        .sdk('alice', mount)
        .embeddings.create({
          model: 'text-embedding-3-small',
          input: 'hello world',
          encoding_format: 'float',
        })
        .withResponse();
      expect(data.object).toBe('list');
      expect(data.model).toBe('text-embedding-3-small');
      expect(data.data).toEqual([
        { object: 'embedding', index: 0, embedding: fakeEmbedding('hello world', FAKE_EMBEDDING_DIMENSIONS) },
      ]);
      expect(data.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });
      expect(response.headers.get('x-ops-provider')).toBe('openai');
      expect(response.headers.get('x-ops-catalog-version')).toBe('0');
      expect(gateway.upstreams.openai.requests.at(-1)!.path).toBe('/v1/embeddings');
      expect(lastUpstreamBody()).toMatchObject({ model: 'text-embedding-3-small', encoding_format: 'float' });
    }
  });

  it('encodes base64 as little-endian float32, which the SDK decodes by default', async () => {
    // Without encoding_format the SDK asks for base64 and decodes it itself.
    const decoded = await gateway
      .sdk('alice')
      .embeddings.create({ model: 'text-embedding-3-small', input: 'hello world' });
    expect(decoded.data[0].embedding).toEqual(fakeEmbedding('hello world', FAKE_EMBEDDING_DIMENSIONS));

    const raw = await request(gateway.app.getHttpServer())
      .post('/v1/embeddings')
      .set('Authorization', `Bearer ${gateway.token('alice', 'user')}`)
      .send({ model: 'text-embedding-3-small', input: 'hello world', encoding_format: 'base64' })
      .expect(200);
    const bytes = Buffer.from(raw.body.data[0].embedding as string, 'base64');
    const floats = Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
    expect(floats).toEqual(fakeEmbedding('hello world', FAKE_EMBEDDING_DIMENSIONS));
  });

  it('forwards dimensions and embeds a batch in input order, token arrays included', async () => {
    const sdk = gateway.sdk('alice');
    const short = await sdk.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'hello',
      dimensions: 4,
      encoding_format: 'float',
    });
    expect(short.data[0].embedding).toHaveLength(4);
    expect(lastUpstreamBody().dimensions).toBe(4);

    const batch = await sdk.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['one', 'two words', 'three small words'],
      encoding_format: 'float',
    });
    expect(batch.data.map((item) => item.index)).toEqual([0, 1, 2]);
    expect(batch.data[2].embedding).toEqual(fakeEmbedding('three small words', FAKE_EMBEDDING_DIMENSIONS));
    expect(batch.usage.prompt_tokens).toBe(6);

    const tokens = await sdk.embeddings.create({
      model: 'text-embedding-3-small',
      input: [
        [1, 2, 3],
        [4, 5],
      ],
      encoding_format: 'float',
    });
    expect(tokens.data).toHaveLength(2);
    expect(tokens.usage.prompt_tokens).toBe(5);
  });

  it('charges the input tokens at the list price, records the request and its usage', async () => {
    const before = await gateway.account('alice');
    const { response } = await gateway
      .sdk('alice')
      .embeddings.create({ model: 'text-embedding-3-small', input: 'a b c d e', encoding_format: 'float' })
      .withResponse();
    const after = await gateway.account('alice');
    const expected = (5n * SMALL_PRICE + 999_999n) / 1_000_000n;
    expect(response.headers.get('x-ops-cost-micros')).toBe(expected.toString());
    expect(BigInt(before.balance_micros as string) - BigInt(after.balance_micros as string)).toBe(expected);
    expect(after.open_reservations).toBe(0);

    const requestId = response.headers.get('x-ops-request-id')!;
    const recorded = await gateway.recorded(requestId);
    expect(recorded.completed).toMatchObject({
      endpoint: 'embeddings',
      provider: 'openai',
      model: 'text-embedding-3-small',
      inputTokens: 5,
      outputTokens: 0,
      costMicros: expected.toString(),
      usageEstimated: false,
      pricing: { catalogVersion: 0, inputMicrosPerMillion: '20000', outputMicrosPerMillion: '0' },
    });
    // The hold covered the estimate before the call, and the debit that ended it carries the completion:
    // the request needs no stream of its own.
    expect(BigInt(recorded.routed!.reservedMicros)).toBeGreaterThan(0n);
    expect(await gateway.events(llmRequestStream(requestId))).toEqual([]);
    expect((await gateway.events(creditAccountStream('alice'))).at(-1)).toMatchObject({
      type: 'CreditsDebited',
      data: { requestId, amountMicros: expected.toString(), request: { endpoint: 'embeddings' } },
    });

    // The usage read model follows the log; its row for this request names the embedding model.
    await eventually(async () => {
      const usage = await request(gateway.app.getHttpServer())
        .get('/api/v1/llm/usage')
        .query({ group_by: 'model' })
        .set('Authorization', `Bearer ${gateway.token('alice', 'user')}`)
        .expect(200);
      expect(usage.body.rows).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ model: 'text-embedding-3-small', output_tokens: '0' }),
        ]),
      );
    });
  });

  it('refuses without credits (402), and routes nothing across kinds', async () => {
    const sdk = gateway.sdk('alice');
    await expect(
      gateway.sdk('broke').embeddings.create({ model: 'text-embedding-3-small', input: 'x' }),
    ).rejects.toMatchObject({ status: 402, code: 'insufficient_credits' });

    const chatModel = await failureOf(sdk.embeddings.create({ model: 'gpt-4o-mini', input: 'x' }));
    expect([chatModel.status, chatModel.code]).toEqual([400, 'wrong_model_kind']);
    expect(errorMessageOf(chatModel)).toContain('POST /v1/chat/completions');

    const embeddingModel = await failureOf(
      sdk.chat.completions.create({
        model: 'text-embedding-3-small',
        messages: [{ role: 'user', content: 'x' }],
      }),
    );
    expect([embeddingModel.status, embeddingModel.code]).toEqual([400, 'wrong_model_kind']);

    await expect(sdk.embeddings.create({ model: 'auto', input: 'x' })).rejects.toMatchObject({
      status: 400,
      code: 'model_required',
    });
    await expect(sdk.embeddings.create({ model: 'no-such-embedder', input: 'x' })).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
  });

  it('refuses bad input at the edge in OpenAI’s shape, before any provider sees it', async () => {
    const sent = gateway.upstreams.openai.requests.length;
    const post = (body: object) =>
      request(gateway.app.getHttpServer())
        .post('/api/v1/llm/embeddings')
        .set('Authorization', `Bearer ${gateway.token('alice', 'user')}`)
        .send(body);
    for (const body of [
      { model: 'text-embedding-3-small', input: '' },
      { model: 'text-embedding-3-small', input: [] },
      { model: 'text-embedding-3-small', input: ['ok', 7] },
      { model: 'text-embedding-3-small', input: [[1, -2]] },
      { model: 'text-embedding-3-small', input: Array.from({ length: 2049 }, () => 'x') },
      { model: 'text-embedding-3-small', input: 'x', encoding_format: 'int8' },
      { model: 'text-embedding-3-small', input: 'x', dimensions: 0 },
      { model: 'text-embedding-3-small', input: 'x', stream: true },
    ]) {
      const response = await post(body).expect(400);
      expect(response.body.error.type).toBe('invalid_request_error');
    }
    expect(gateway.upstreams.openai.requests.length).toBe(sent);
  });

  it('releases the hold and records the failure when the provider fails', async () => {
    gateway.upstreams.openai.enqueue({ status: 500 });
    const before = await gateway.account('alice');
    const error = await failureOf(
      gateway.sdk('alice').embeddings.create({ model: 'text-embedding-3-small', input: 'x' }),
    );
    expect(error.status).toBe(502);
    const after = await gateway.account('alice');
    expect(after.balance_micros).toBe(before.balance_micros);
    expect(after.open_reservations).toBe(0);
    const recorded = await gateway.recorded(error.headers!.get('x-ops-request-id')!);
    expect(recorded.failed?.error.code).toBe('upstream_error');
  });
});

describe('embeddings on Hugging Face, through its feature-extraction pipeline', () => {
  const HF_KEY = 'hf_platformKey000000000000000000';
  const MODEL = 'intfloat/multilingual-e5-large-instruct';
  let huggingface: FakeProvider;
  let gateway: GatewayTestApp;

  beforeAll(async () => {
    huggingface = await startFakeHuggingFaceProvider({ apiKey: HF_KEY });
    gateway = await startGatewayApp({
      HUGGINGFACE_BASE_URL: huggingface.baseUrl,
      HUGGINGFACE_API_KEY: HF_KEY,
    });
    await gateway.fund('hana', 10_000_000n);
  });
  afterAll(async () => {
    await gateway?.close();
    await huggingface?.close();
  });

  it('routes the model to Hugging Face, charges the estimated tokens, and answers in OpenAI’s shape', async () => {
    const { data, response } = await gateway
      .sdk('hana')
      .embeddings.create({ model: MODEL, input: ['first text', 'second'], encoding_format: 'float' })
      .withResponse();
    expect(response.headers.get('x-ops-provider')).toBe('huggingface');
    expect(data.data.map((item) => item.embedding)).toEqual([
      fakeEmbedding('first text', FAKE_EMBEDDING_DIMENSIONS),
      fakeEmbedding('second', FAKE_EMBEDDING_DIMENSIONS),
    ]);
    const upstream = huggingface.requests.at(-1)!;
    expect(upstream.path).toBe(`/hf-inference/models/${MODEL}/pipeline/feature-extraction`);
    expect(upstream.headers.authorization).toBe(`Bearer ${HF_KEY}`);
    expect(upstream.body).toEqual({ inputs: ['first text', 'second'] });

    const { completed } = await gateway.recorded(response.headers.get('x-ops-request-id')!);
    // Hugging Face reports no tokens: the estimate the hold was computed from is charged.
    expect(completed).toMatchObject({
      provider: 'huggingface',
      endpoint: 'embeddings',
      usageEstimated: true,
    });
    expect(data.usage.prompt_tokens).toBe(completed!.inputTokens);
    expect(BigInt(completed!.costMicros)).toBeGreaterThan(0n);
    expect(response.headers.get('x-ops-cost-micros')).toBe(completed!.costMicros);
  });

  it('refuses what the pipeline cannot do, naming it, with nothing charged', async () => {
    const before = await gateway.account('hana');
    for (const [body, message] of [
      [
        { model: MODEL, input: 'x', dimensions: 256 },
        /huggingface serves no shortened vectors \(dimensions\)/,
      ],
      [{ model: MODEL, input: [[1, 2, 3]] }, /huggingface embeds text only, not token ids/],
    ] as const) {
      const error = await failureOf(
        gateway.sdk('hana').embeddings.create(body as OpenAI.EmbeddingCreateParams),
      );
      expect(error.status).toBe(400);
      expect(errorMessageOf(error)).toMatch(message);
    }
    expect((await gateway.account('hana')).balance_micros).toBe(before.balance_micros);
  });
});
