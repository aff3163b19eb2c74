import Anthropic, { APIError } from '@anthropic-ai/sdk';
import request from 'supertest';
import { routeOf, startGatewayApp, type GatewayTestApp } from '../support/gateway';

/** The SSE events of a stream, in order, read through the SDK. */
async function eventsOf(stream: AsyncIterable<Anthropic.MessageStreamEvent>) {
  const events: Array<Anthropic.MessageStreamEvent & Record<string, unknown>> = [];
  for await (const event of stream)
    events.push(event as Anthropic.MessageStreamEvent & Record<string, unknown>);
  return events;
}

/** The event names of a stream as they went over the wire (the SDK's iterator leaves `ping` out). */
async function rawEventNames(response: Response): Promise<string[]> {
  return [...(await response.text()).matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);
}

const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Weather of a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('Anthropic Messages API through the official @anthropic-ai/sdk', () => {
  let gateway: GatewayTestApp;
  let apiKey: string;

  beforeAll(async () => {
    gateway = await startGatewayApp();
    await gateway.fund('alice', 50_000_000n);
    await gateway.setPlan('alice', { tier: 'professional' });
    const issued = await request(gateway.app.getHttpServer())
      .post('/api/v1/llm/api-keys')
      .set('Authorization', `Bearer ${gateway.token('alice', 'user')}`)
      .send({ name: 'claude code' })
      .expect(201);
    apiKey = issued.body.key;
  });
  afterAll(async () => gateway?.close());

  /** Claude Code's setup: `ANTHROPIC_BASE_URL=<gateway>` and a personal key sent as `x-api-key`. */
  const claudeCode = () => new Anthropic({ baseURL: gateway.url, apiKey, maxRetries: 0 });

  it('answers an Anthropic model with a personal key as x-api-key, passing the request through untranslated', async () => {
    const { data, response } = await claudeCode()
      .messages.create({
        model: 'claude-haiku-4-5',
        max_tokens: 200,
        system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: 'Say hello' }],
        thinking: { type: 'adaptive' },
        output_config: { effort: 'low' },
        cache_control: { type: 'ephemeral' },
        stop_sequences: ['END'],
      })
      .withResponse();
    expect(data).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5',
      content: [{ type: 'text', text: 'anthropic says hello to claude-haiku-4-5' }],
      stop_reason: 'end_turn',
    });
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    const route = routeOf(response.headers);
    expect(route).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5', attempts: '1' });
    const recorded = await gateway.recorded(route.requestId);
    expect(response.headers.get('x-ops-cost-micros')).toBe(recorded.completed?.costMicros);
    expect(BigInt(recorded.completed!.costMicros)).toBeGreaterThan(0n);

    const upstream = gateway.upstreams.anthropic.requests.at(-1)!;
    expect(upstream.path).toBe('/v1/messages');
    expect(upstream.headers['x-api-key']).toBe('sk-ant-platform');
    // What OpenAI's shape has no place for reaches Anthropic as the client wrote it.
    expect(upstream.body).toMatchObject({
      model: 'claude-haiku-4-5',
      system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'Say hello' }],
      thinking: { type: 'adaptive' },
      output_config: { effort: 'low' },
      cache_control: { type: 'ephemeral' },
      stop_sequences: ['END'],
      max_tokens: 200,
    });
  });

  it('takes the key as a bearer token too, and answers on /api/v1/llm/messages', async () => {
    const bearer = new Anthropic({ baseURL: gateway.url, apiKey: null, authToken: apiKey, maxRetries: 0 });
    const message = await bearer.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'anthropic says hello to claude-haiku-4-5' }]);
    const mounted = await request(gateway.app.getHttpServer())
      .post('/api/v1/llm/messages')
      .set('x-api-key', apiKey)
      .send({ model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'Say hello' }] })
      .expect(200);
    expect(mounted.body.content).toEqual([
      { type: 'text', text: 'anthropic says hello to claude-haiku-4-5' },
    ]);
  });

  it('streams Anthropic’s event sequence from Anthropic, with the charge on message_delta', async () => {
    const stream = claudeCode().messages.stream({
      model: 'claude-haiku-4-5',
      max_tokens: 200,
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    const events = await eventsOf(stream);
    expect(events.map((event) => event.type)).toEqual([
      'message_start',
      'content_block_start',
      ...Array(5).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const raw = await claudeCode()
      .messages.create({
        model: 'claude-haiku-4-5',
        max_tokens: 200,
        messages: [{ role: 'user', content: 'Say hello' }],
        stream: true,
      })
      .asResponse();
    expect(await rawEventNames(raw)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      ...Array(5).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'anthropic says hello to claude-haiku-4-5' }]);
    expect(final.stop_reason).toBe('end_turn');
    const requestId = (await stream.withResponse()).response.headers.get('x-ops-request-id')!;
    const recorded = await gateway.recorded(requestId);
    expect(recorded.completed).toMatchObject({ streamed: true, finishReason: 'stop', usageEstimated: false });
    const delta = events.at(-2)!;
    expect(delta['x-ops-cost-micros']).toBe(recorded.completed!.costMicros);
    expect(final.usage.output_tokens).toBe(recorded.completed!.outputTokens);
  });

  it('calls tools and takes their results, plain and streamed', async () => {
    const sdk = claudeCode();
    const first = await sdk.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 300,
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'Please use a tool for Paris' }],
    });
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((block) => block.type === 'tool_use')!;
    expect(call).toMatchObject({
      type: 'tool_use',
      name: 'get_weather',
      input: { request: 'Please use a tool for Paris' },
    });

    const answered = await sdk.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 300,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Please use a tool for Paris' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'sunny' }] },
      ],
    });
    expect(answered.stop_reason).toBe('end_turn');

    const stream = sdk.messages.stream({
      model: 'claude-haiku-4-5',
      max_tokens: 300,
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'Please use a tool for Oslo' }],
    });
    const events = await eventsOf(stream);
    expect(
      events.some((event) => event.type === 'content_block_delta' && event.delta.type === 'input_json_delta'),
    ).toBe(true);
    const final = await stream.finalMessage();
    expect(final.content.find((block) => block.type === 'tool_use')).toMatchObject({
      name: 'get_weather',
      input: { request: 'Please use a tool for Oslo' },
    });
  });

  describe('a model behind an OpenAI-wire provider', () => {
    it('streams text as Anthropic’s full event sequence, ping included', async () => {
      const raw = await claudeCode()
        .messages.create({
          model: 'gpt-4o-mini',
          max_tokens: 100,
          messages: [{ role: 'user', content: 'Say hello' }],
          stream: true,
        })
        .asResponse();
      expect(await rawEventNames(raw)).toEqual([
        'message_start',
        'ping',
        'content_block_start',
        ...Array(5).fill('content_block_delta'),
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
    });

    it('answers in Anthropic’s shape, translated both ways', async () => {
      const { data, response } = await claudeCode()
        .messages.create({
          model: 'gpt-4o-mini',
          max_tokens: 100,
          system: 'Be brief.',
          messages: [{ role: 'user', content: 'Say hello' }],
          stop_sequences: ['END'],
        })
        .withResponse();
      expect(data).toMatchObject({
        id: expect.stringMatching(/^msg_/),
        type: 'message',
        model: 'gpt-4o-mini',
        content: [{ type: 'text', text: 'openai says hello to gpt-4o-mini' }],
        stop_reason: 'end_turn',
      });
      expect(routeOf(response.headers).provider).toBe('openai');
      const upstream = gateway.upstreams.openai.requests.at(-1)!;
      expect(upstream.path).toBe('/v1/chat/completions');
      expect(upstream.body).toMatchObject({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Say hello' },
        ],
        stop: ['END'],
      });
    });

    it('streams text and tool calls as Anthropic events', async () => {
      const sdk = claudeCode();
      const stream = sdk.messages.stream({
        model: 'gpt-4o-mini',
        max_tokens: 300,
        tools: [weatherTool],
        messages: [{ role: 'user', content: 'Please use a tool for Rome' }],
      });
      const events = await eventsOf(stream);
      const types = events.map((event) => event.type);
      expect(types.slice(0, 2)).toEqual(['message_start', 'content_block_start']);
      expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
      const final = await stream.finalMessage();
      expect(final.stop_reason).toBe('tool_use');
      const call = final.content.find((block) => block.type === 'tool_use')!;
      expect(call).toMatchObject({ name: 'get_weather', input: { request: 'Please use a tool for Rome' } });
      const requestId = (await stream.withResponse()).response.headers.get('x-ops-request-id')!;
      const recorded = await gateway.recorded(requestId);
      expect(events.at(-2)!['x-ops-cost-micros']).toBe(recorded.completed!.costMicros);
      expect(final.usage).toMatchObject({
        input_tokens: recorded.completed!.inputTokens,
        output_tokens: recorded.completed!.outputTokens,
      });

      // The result goes back as an OpenAI tool message right after the call.
      const answered = await sdk.messages.create({
        model: 'gpt-4o-mini',
        max_tokens: 300,
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'Please use a tool for Rome' },
          { role: 'assistant', content: final.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'warm' }] },
        ],
      });
      expect(answered.content).toEqual([{ type: 'text', text: 'openai says hello to gpt-4o-mini' }]);
      const upstream = gateway.upstreams.openai.requests.at(-1)!.body as { messages: unknown[] };
      expect(upstream.messages.slice(1)).toEqual([
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: call.id,
              type: 'function',
              function: { name: 'get_weather', arguments: JSON.stringify(call.input) },
            },
          ],
        },
        { role: 'tool', tool_call_id: call.id, content: 'warm' },
      ]);
    });
  });

  it('records, holds and charges a Messages request exactly as the same chat completion', async () => {
    const chat = await gateway
      .sdk('alice')
      .chat.completions.create({
        model: 'gpt-4o-mini',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'Say hello' }],
      })
      .withResponse();
    const messages = await claudeCode()
      .messages.create({
        model: 'gpt-4o-mini',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'Say hello' }],
      })
      .withResponse();
    const [viaChat, viaMessages] = await Promise.all(
      [chat.response, messages.response].map((response) =>
        gateway.recorded(response.headers.get('x-ops-request-id')!),
      ),
    );
    const comparable = ({ completed }: Awaited<ReturnType<GatewayTestApp['recorded']>>) => {
      const { requestId: _id, latencyMs: _latency, attempts, route, ...rest } = completed!;
      const { apiKeyId: _key, reservationId: _reservation, ...routed } = route!;
      return { ...rest, attempts: attempts.map(({ latencyMs: _ms, ...attempt }) => attempt), route: routed };
    };
    expect(comparable(viaMessages)).toEqual(comparable(viaChat));
    expect(chat.response.headers.get('x-ops-cost-micros')).toBe(
      messages.response.headers.get('x-ops-cost-micros'),
    );
    const account = await gateway.account('alice');
    expect(account.reserved_micros).toBe('0');
    expect(account.open_reservations).toBe(0);
  });

  describe('errors, in Anthropic’s shape', () => {
    it('401 without a key, or with a wrong one', async () => {
      const anonymous = new Anthropic({ baseURL: gateway.url, apiKey: 'not-a-key', maxRetries: 0 });
      const refused = await anonymous.messages
        .create({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(Anthropic.AuthenticationError);
      expect((refused as APIError).error).toMatchObject({
        type: 'error',
        error: { type: 'authentication_error' },
      });
      const none = await request(gateway.app.getHttpServer())
        .post('/v1/messages')
        .send({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
        .expect(401);
      expect(none.body).toEqual({
        type: 'error',
        error: { type: 'authentication_error', message: expect.any(String) },
      });
    });

    it('402 when the account cannot pay', async () => {
      const refused = await gateway
        .anthropic('broke')
        .messages.create({ model: 'gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
        .catch((error: unknown) => error as APIError);
      expect(refused).toBeInstanceOf(APIError);
      expect(refused).toMatchObject({
        status: 402,
        error: { type: 'error', error: { type: 'billing_error' } },
      });
    });

    it('400 for a malformed request, naming the field, before anything is called', async () => {
      const before = gateway.upstreams.anthropic.requests.length;
      const sdk = claudeCode();
      const cases: Array<[unknown, RegExp]> = [
        [
          { model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'wizard', content: 'x' }] },
          /messages\.0\.role/,
        ],
        [{ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'x' }] }, /max_tokens/],
        [
          {
            model: 'claude-haiku-4-5',
            max_tokens: 5,
            messages: [
              { role: 'user', content: [{ type: 'document', source: { type: 'text', data: 'x' } }] },
            ],
          },
          /messages\.0\.content\.0 type must be one of text, image, tool_result/,
        ],
        [
          {
            model: 'claude-haiku-4-5',
            max_tokens: 5,
            messages: [{ role: 'user', content: 'x' }],
            tools: [{ type: 'web_search_20250305', name: 'web_search' }],
          },
          /server tools/,
        ],
        [
          {
            model: 'claude-haiku-4-5',
            max_tokens: 5,
            messages: [
              {
                role: 'user',
                content: [
                  { type: 'image', source: { type: 'url', url: 'http://169.254.169.254/latest/meta-data/' } },
                ],
              },
            ],
          },
          /messages\.0\.content\.0\.source must be an https/,
        ],
        [
          { model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }], n: 2 },
          /property n should not exist/,
        ],
      ];
      for (const [body, message] of cases) {
        const refused = await sdk.messages
          .create(body as Anthropic.MessageCreateParamsNonStreaming)
          .catch((error: unknown) => error as APIError);
        expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
        const error = (refused as APIError).error as { error: { type: string; message: string } };
        expect(error.error.type).toBe('invalid_request_error');
        expect(error.error.message).toMatch(message);
      }
      expect(gateway.upstreams.anthropic.requests.length).toBe(before);
    });

    it('404 for a model the catalog does not have, and 429 when every provider is rate limited', async () => {
      const sdk = claudeCode();
      await expect(
        sdk.messages.create({
          model: 'no-such-model',
          max_tokens: 5,
          messages: [{ role: 'user', content: 'x' }],
        }),
      ).rejects.toMatchObject({ status: 404, error: { error: { type: 'not_found_error' } } });
      gateway.upstreams.anthropic.enqueue({ status: 429 }, { status: 429 }, { status: 429 });
      const limited = await sdk.messages
        .create({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
        .catch((error: unknown) => error as APIError);
      expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
      expect(limited).toMatchObject({ error: { error: { type: 'rate_limit_error' } } });
      gateway.upstreams.anthropic.reset();
    });

    it('an upstream failure mid-stream ends the stream with an error event', async () => {
      gateway.upstreams.anthropic.enqueue({ failAfterChunks: 3 });
      const stream = claudeCode().messages.stream({
        model: 'claude-haiku-4-5',
        max_tokens: 50,
        messages: [{ role: 'user', content: 'Say hello' }],
      });
      await expect(eventsOf(stream)).rejects.toMatchObject({
        error: { type: 'error', error: { type: 'api_error' } },
      });
    });
  });
});
