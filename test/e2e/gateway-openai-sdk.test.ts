import OpenAI from 'openai';
import request from 'supertest';
import { startGatewayApp, type GatewayTestApp } from '../support/gateway';

describe('LLM gateway through the official openai SDK', () => {
  let gateway: GatewayTestApp;

  beforeAll(async () => {
    gateway = await startGatewayApp();
    await gateway.fund('alice', 10_000_000n);
  });
  afterAll(async () => gateway?.close());

  it('answers a named model, non-streaming, on both mounts', async () => {
    for (const mount of ['/v1', '/api/v1/llm'] as const) {
      const { data, response } = await gateway
        .sdk('alice', mount)
        .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }] })
        .withResponse();
      expect(data.object).toBe('chat.completion');
      expect(data.choices[0].message.content).toBe('openai says hello to gpt-4o-mini');
      expect(data.usage?.completion_tokens).toBeGreaterThan(0);
      expect(response.headers.get('x-ops-provider')).toBe('openai');
      expect(response.headers.get('x-ops-model')).toBe('gpt-4o-mini');
      expect(response.headers.get('x-ops-attempts')).toBe('1');
      expect(response.headers.get('x-ops-route-reason')).toBeTruthy();
    }
    const upstream = gateway.upstreams.openai.requests.at(-1)!;
    expect(upstream.headers.authorization).toBe('Bearer sk-platform-openai');
  });

  it('streams chunks and the usage chunk when asked, the usage chunk last and carrying the charge', async () => {
    const { data: stream, response } = await gateway
      .sdk('alice')
      .chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Say hello' }],
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    let text = '';
    const chunks: Array<OpenAI.ChatCompletionChunk & Record<string, unknown>> = [];
    for await (const chunk of stream) {
      chunks.push(chunk as OpenAI.ChatCompletionChunk & Record<string, unknown>);
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    expect(chunks.length).toBeGreaterThan(2);
    expect(text).toBe('openai says hello to gpt-4o-mini');
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage?.completion_tokens).toBeGreaterThan(0);
    const { completed } = await gateway.recorded(response.headers.get('x-ops-request-id')!);
    expect(last['x-ops-cost-micros']).toBe(completed!.costMicros);
    expect(BigInt(completed!.costMicros)).toBeGreaterThan(0n);
    expect(chunks.slice(0, -1).every((chunk) => chunk['x-ops-cost-micros'] === undefined)).toBe(true);
  });

  it('does not forward the usage chunk when the client did not ask for it, and says the charge in an SSE comment', async () => {
    const stream = await gateway.sdk('alice').chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello' }],
      stream: true,
    });
    for await (const chunk of stream) expect(chunk.usage ?? null).toBeNull();

    const raw = await gateway
      .sdk('alice')
      .chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Say hello' }],
        stream: true,
      })
      .asResponse();
    // The stream ends once the request is recorded: its charge is known by then.
    const text = await raw.text();
    const { completed } = await gateway.recorded(raw.headers.get('x-ops-request-id')!);
    expect(text.endsWith(`: x-ops-cost-micros: ${completed!.costMicros}\n\ndata: [DONE]\n\n`)).toBe(true);
  });

  it('lists the models of the caller’s tier, with prices', async () => {
    const models = await gateway.sdk('alice').models.list();
    const ids = models.data.map((model) => model.id);
    expect(ids).toContain('gpt-4o-mini');
    expect(ids).not.toContain('claude-opus-4-5');
    const mini = models.data.find((model) => model.id === 'gpt-4o-mini') as unknown as Record<
      string,
      unknown
    >;
    expect(mini.pricing).toEqual({
      input_micros_per_million: '150000',
      output_micros_per_million: '600000',
      cache_read_micros_per_million: '75000',
      cache_write_micros_per_million: null,
    });
  });

  it('answers errors in OpenAI’s shape with the right status', async () => {
    const sdk = gateway.sdk('alice');
    await expect(
      sdk.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    await expect(
      sdk.chat.completions.create({ model: 'claude-opus-4-5', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 403, code: 'model_not_in_tier' });
    await expect(
      gateway
        .sdk('broke')
        .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 402, code: 'insufficient_credits', type: 'insufficient_quota' });
    const unauthenticated = new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey: 'not-a-token',
      maxRetries: 0,
    });
    await expect(
      unauthenticated.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toMatchObject({ status: 401 });

    const bad = await request(gateway.app.getHttpServer())
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${gateway.token('alice', 'user')}`)
      .send({ model: 'gpt-4o-mini', messages: [{ role: 'wizard', content: 'x' }] })
      .expect(400);
    expect(bad.body.error).toMatchObject({ type: 'invalid_request_error', param: 'messages' });
  });

  it('charges what the upstream reported, and keeps the ledger exact', async () => {
    const before = await gateway.account('alice');
    await gateway.sdk('alice').chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    const after = await gateway.account('alice');
    const charged = BigInt(before.balance_micros as string) - BigInt(after.balance_micros as string);
    expect(charged).toBeGreaterThan(0n);
    expect(after.reserved_micros).toBe('0');
    expect(after.open_reservations).toBe(0);
  });
});
