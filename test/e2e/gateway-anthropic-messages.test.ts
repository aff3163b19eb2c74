import Anthropic, { APIError } from '@anthropic-ai/sdk';
import request from 'supertest';
import { eventually } from '../support/app';
import { routeOf, startGatewayApp, type GatewayTestApp } from '../support/gateway';

/** The SSE events of a stream, in order, read through the SDK. */
async function eventsOf(stream: AsyncIterable<Anthropic.MessageStreamEvent>) {
  const events: Array<Anthropic.MessageStreamEvent & Record<string, unknown>> = [];
  for await (const event of stream)
    events.push(event as Anthropic.MessageStreamEvent & Record<string, unknown>);
  return events;
}

/** The deltas of the fakes' five-word reply, one per word. */
const FIVE_DELTAS = Array<string>(5).fill('content_block_delta');

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

  /** The event names of a streamed greeting as they went over the wire (the SDK's iterator leaves `ping` out). */
  const rawEventNames = async (model: string): Promise<string[]> => {
    const raw = await claudeCode()
      .messages.create({
        model,
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Say hello' }],
        stream: true,
      })
      .asResponse();
    return [...(await raw.text()).matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);
  };

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
    const [start, blockStart, ...rest] = events.map((event) => event.type);
    expect([start, blockStart, ...rest]).toEqual([
      'message_start',
      'content_block_start',
      ...FIVE_DELTAS,
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    // Anthropic's own ping, passed on where it came.
    expect(await rawEventNames('claude-haiku-4-5')).toEqual([start, blockStart, 'ping', ...rest]);
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
      expect(await rawEventNames('gpt-4o-mini')).toEqual([
        'message_start',
        'ping',
        'content_block_start',
        ...FIVE_DELTAS,
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

  it("charges a prompt read from Anthropic's cache at the cache rate, and writes to it at the write rate", async () => {
    const ask = () =>
      claudeCode()
        .messages.create({
          model: 'claude-haiku-4-5',
          max_tokens: 50,
          system: [
            { type: 'text', text: 'You review code. '.repeat(700), cache_control: { type: 'ephemeral' } },
          ],
          messages: [{ role: 'user', content: 'Say hello' }],
        })
        .withResponse();
    const [first, second] = [await ask(), await ask()];
    const [written, read] = await Promise.all(
      [first, second].map(
        async ({ response }) => (await gateway.recorded(routeOf(response.headers).requestId)).completed!,
      ),
    );
    // Claude Haiku 4.5: $1 per million input tokens, $0.10 read from the cache, $1.25 written to it, $5 out.
    expect(written.pricing).toMatchObject({
      cacheReadMicrosPerMillion: '100000',
      cacheWriteMicrosPerMillion: '1250000',
    });
    expect(written.cacheWriteTokens).toBe(2_100);
    expect(read).toMatchObject({ cacheReadTokens: 2_100, inputTokens: written.inputTokens });
    expect(second.data.usage).toMatchObject({ cache_read_input_tokens: 2_100 });
    const priced = (uncached: number, cachedMicros: number, output: number) =>
      BigInt(Math.ceil(uncached + cachedMicros + output * 5));
    const uncached = written.inputTokens - 2_100;
    expect(BigInt(written.costMicros)).toBe(priced(uncached, 2_100 * 1.25, written.outputTokens));
    expect(BigInt(read.costMicros)).toBe(priced(uncached, 2_100 * 0.1, read.outputTokens));
    // The whole prompt at the input price would have cost far more than the cached answer.
    expect(BigInt(read.costMicros)).toBeLessThan(priced(written.inputTokens, 0, read.outputTokens) / 2n);

    const usage = await eventually(async () => {
      const response = await request(gateway.app.getHttpServer())
        .get('/api/v1/llm/usage')
        .set('Authorization', `Bearer ${gateway.token('alice', 'user')}`)
        .expect(200);
      expect(Number(response.body.totals.cache_read_tokens)).toBeGreaterThanOrEqual(2_100);
      return response.body.totals;
    });
    expect(Number(usage.cache_write_tokens)).toBeGreaterThanOrEqual(2_100);
  });

  it('charges a one-hour cache write at twice the input price', async () => {
    const { data, response } = await claudeCode()
      .messages.create({
        model: 'claude-haiku-4-5',
        max_tokens: 50,
        system: [
          {
            type: 'text',
            text: 'You audit code. '.repeat(700),
            cache_control: { type: 'ephemeral', ttl: '1h' },
          },
        ],
        messages: [{ role: 'user', content: 'Say hello' }],
      })
      .withResponse();
    const recorded = (await gateway.recorded(routeOf(response.headers).requestId)).completed!;
    expect(recorded).toMatchObject({ cacheWriteTokens: 2_100, cacheWrite1hTokens: 2_100 });
    expect(data.usage.cache_creation).toMatchObject({ ephemeral_1h_input_tokens: 2_100 });
    // Claude Haiku 4.5: $1 in, so $2 per million written for an hour (not the five-minute $1.25), $5 out.
    const uncached = recorded.inputTokens - 2_100;
    expect(BigInt(recorded.costMicros)).toBe(
      BigInt(Math.ceil(uncached + 2_100 * 2 + recorded.outputTokens * 5)),
    );
    // The hold counted the marked prompt as written for an hour, so the charge stayed within it.
    const reserved = (await gateway.events('credit-account-alice')).find(
      (event) => event.type === 'CreditsReserved' && event.data.requestId === recorded.requestId,
    );
    expect(BigInt(String(reserved!.data.amountMicros))).toBeGreaterThanOrEqual(BigInt(recorded.costMicros));
  });

  it("charges each of Anthropic's web searches at $0.01 on top of the tokens, and counts them in usage", async () => {
    const { response } = await claudeCode()
      .messages.create({
        model: 'claude-haiku-4-5',
        max_tokens: 50,
        tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }],
        messages: [{ role: 'user', content: 'Say hello' }],
      })
      .withResponse();
    const recorded = (await gateway.recorded(routeOf(response.headers).requestId)).completed!;
    expect(recorded.webSearchRequests).toBe(3);
    expect(recorded.pricing).toMatchObject({ webSearchMicrosPerRequest: '10000' });
    const tokens = BigInt(Math.ceil(recorded.inputTokens + recorded.outputTokens * 5));
    expect(BigInt(recorded.costMicros)).toBe(tokens + 30_000n);
    expect(response.headers.get('x-ops-cost-micros')).toBe(recorded.costMicros);

    await eventually(async () => {
      const usage = await request(gateway.app.getHttpServer())
        .get('/api/v1/llm/usage')
        .set('Authorization', `Bearer ${gateway.token('alice', 'user')}`)
        .expect(200);
      expect(Number(usage.body.totals.web_search_requests)).toBeGreaterThanOrEqual(3);
    });
  });

  it('prices a request past 200K input tokens at the long-context rates, output included', async () => {
    gateway.upstreams.anthropic.enqueue({ reportPromptTokens: 250_000 });
    const { response } = await claudeCode()
      .messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 50,
        messages: [{ role: 'user', content: 'Say hello' }],
      })
      .withResponse();
    const recorded = (await gateway.recorded(routeOf(response.headers).requestId)).completed!;
    expect(recorded.inputTokens).toBe(250_000);
    expect(recorded.pricing).toMatchObject({
      inputMicrosPerMillionAbove200k: '6000000',
      outputMicrosPerMillionAbove200k: '22500000',
    });
    // Claude Sonnet 4.5 past 200K: $6 in and $22.50 out per million, instead of $3 and $15.
    expect(BigInt(recorded.costMicros)).toBe(BigInt(Math.ceil(250_000 * 6 + recorded.outputTokens * 22.5)));
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

  it('counts a prompt’s tokens as the credit hold does, without calling any provider', async () => {
    const sdk = claudeCode();
    const before = gateway.upstreams.anthropic.requests.length + gateway.upstreams.openai.requests.length;
    const count = (content: string) =>
      sdk.messages.countTokens({
        model: 'claude-haiku-4-5',
        system: 'Be brief.',
        messages: [{ role: 'user', content }],
        tools: [weatherTool],
      });
    const short = await count('Say hello');
    const long = await count('Say hello '.repeat(100));
    expect(short.input_tokens).toBeGreaterThan(0);
    expect(long.input_tokens).toBeGreaterThan(short.input_tokens + 200);
    expect(gateway.upstreams.anthropic.requests.length + gateway.upstreams.openai.requests.length).toBe(
      before,
    );
    await expect(
      sdk.messages.countTokens({ model: 'x', messages: [{ role: 'wizard' as 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 400, error: { error: { type: 'invalid_request_error' } } });
  });

  describe('what Claude Code sends', () => {
    /** The betas Claude Code asks for, sent by the SDK as one `anthropic-beta` header. */
    const BETAS: Anthropic.Beta.AnthropicBeta[] = [
      'claude-code-20250219',
      'interleaved-thinking-2025-05-14',
      'fine-grained-tool-streaming-2025-05-14',
      'context-management-2025-06-27',
    ];
    const bashTool: Anthropic.Beta.BetaTool = {
      name: 'Bash',
      description: 'Executes a bash command',
      input_schema: {
        type: 'object',
        properties: { command: { type: 'string' }, timeout: { type: 'number' } },
        required: ['command'],
        additionalProperties: false,
      },
    };
    const PDF = Buffer.from(
      '%PDF-1.4\n1 0 obj << /Type /Pages /Kids [2 0 R] /Count 1 >> endobj\n2 0 obj << /Type /Page >> endobj\n%%EOF',
    ).toString('base64');

    /** A session's third turn as Claude Code writes it: cached system and tools, thinking, a tool round trip. */
    const claudeCodeTurn = (model: string): Anthropic.Beta.MessageCreateParamsStreaming => ({
      model,
      max_tokens: 8_000,
      stream: true as const,
      betas: BETAS,
      metadata: { user_id: 'user_3f2a_account__session_8e1c0f4a-5d1b-4a51-9a52-2cbd3c1d9e77' },
      system: [
        {
          type: 'text' as const,
          text: "You are Claude Code, Anthropic's official CLI for Claude.",
          cache_control: { type: 'ephemeral' as const },
        },
        {
          type: 'text' as const,
          text: 'You are an interactive CLI tool that helps users with software engineering tasks.',
          cache_control: { type: 'ephemeral' as const },
        },
      ],
      tools: [
        { ...bashTool, cache_control: { type: 'ephemeral' as const } },
        {
          type: 'web_search_20250305' as const,
          name: 'web_search' as const,
          max_uses: 8,
          allowed_domains: ['nodejs.org'],
          user_location: { type: 'approximate' as const, country: 'FR', timezone: 'Europe/Paris' },
        },
      ],
      tool_choice: { type: 'auto' as const },
      thinking: { type: 'enabled' as const, budget_tokens: 4_000 },
      context_management: {
        edits: [
          { type: 'clear_tool_uses_20250919' as const, keep: { type: 'tool_uses' as const, value: 3 } },
        ],
      },
      messages: [
        {
          role: 'user' as const,
          content: [
            { type: 'text' as const, text: '<system-reminder>Today is 2026-12-07.</system-reminder>' },
            { type: 'text' as const, text: 'Which Node version is installed?' },
            {
              type: 'document' as const,
              source: { type: 'base64' as const, media_type: 'application/pdf' as const, data: PDF },
              title: 'release notes',
            },
          ],
        },
        {
          role: 'assistant' as const,
          content: [
            {
              type: 'thinking' as const,
              thinking: 'I should run node --version.',
              signature: 'EqQBCkYIBxgCKkB',
            },
            { type: 'redacted_thinking' as const, data: 'EmwKAhgBEgy3va3pzix' },
            { type: 'text' as const, text: 'Let me check.' },
            {
              type: 'tool_use' as const,
              id: 'toolu_01A',
              name: 'Bash',
              input: { command: 'node --version' },
            },
          ],
        },
        {
          role: 'user' as const,
          content: [
            {
              type: 'tool_result' as const,
              tool_use_id: 'toolu_01A',
              content: [{ type: 'text' as const, text: 'v20.18.0' }],
              is_error: false,
            },
            { type: 'text' as const, text: 'Thanks', cache_control: { type: 'ephemeral' as const } },
          ],
        },
      ],
    });

    it('passes a Claude Code turn to an Anthropic model untranslated, anthropic-beta included', async () => {
      const turn = claudeCodeTurn('claude-haiku-4-5');
      const stream = claudeCode().beta.messages.stream(turn);
      const final = await stream.finalMessage();
      expect(final.content).toEqual([{ type: 'text', text: 'anthropic says hello to claude-haiku-4-5' }]);
      const requestId = (await stream.withResponse()).response.headers.get('x-ops-request-id')!;
      expect((await gateway.recorded(requestId)).completed).toMatchObject({
        provider: 'anthropic',
        streamed: true,
      });

      const upstream = gateway.upstreams.anthropic.requests.at(-1)!;
      const { betas: _betas, ...body } = turn;
      expect(upstream.body).toEqual(body);
      expect(upstream.headers['anthropic-beta']).toBe(BETAS.join(','));
      expect(upstream.headers['anthropic-version']).toBe('2023-06-01');
    });

    it('keeps a request with Anthropic-only parts on Anthropic under auto', async () => {
      const { data, response } = await claudeCode()
        .messages.create({
          model: 'auto',
          max_tokens: 300,
          tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 2 }],
          messages: [{ role: 'user', content: 'What is new in Node?' }],
        })
        .withResponse();
      expect(data.type).toBe('message');
      expect(routeOf(response.headers).provider).toBe('anthropic');
    });

    it('refuses, naming the field, what an OpenAI-wire model would have to drop', async () => {
      const sdk = claudeCode();
      const before = gateway.upstreams.openai.requests.length;
      const refusalOf = async (
        extra: Partial<Anthropic.Beta.MessageCreateParamsNonStreaming>,
        content: Anthropic.Beta.BetaContentBlockParam[] = [{ type: 'text', text: 'x' }],
      ) => {
        const refused = await sdk.beta.messages
          .create({ model: 'gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content }], ...extra })
          .catch((error: unknown) => error as APIError);
        expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
        return ((refused as APIError).error as { error: { type: string; message: string } }).error;
      };
      expect(await refusalOf({ tools: [{ type: 'web_search_20250305', name: 'web_search' }] })).toEqual({
        type: 'invalid_request_error',
        message:
          "tools.0 is web_search_20250305, a server tool Anthropic runs itself, and gpt-4o-mini is served by openai through OpenAI's API, which has no place for it: name an Anthropic model (claude-…) or leave tools.0 out",
      });
      expect(
        (
          await refusalOf({}, [
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF } },
          ])
        ).message,
      ).toMatch(/^messages\.0\.content\.0 is a PDF document, which only Anthropic reads, and gpt-4o-mini/);
      expect(
        (
          await refusalOf({
            context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
          })
        ).message,
      ).toMatch(/^context_management is Anthropic's context editing/);
      expect(
        (
          await refusalOf({}, [
            {
              type: 'document',
              source: { type: 'text', media_type: 'text/plain', data: 'notes' },
              citations: { enabled: true },
            },
          ])
        ).message,
      ).toMatch(/^messages\.0\.content\.0\.citations asks for Anthropic's citations/);
      expect(gateway.upstreams.openai.requests.length).toBe(before);
    });

    it('translates text documents and failed tool results for an OpenAI-wire model, without the beta header', async () => {
      await claudeCode().beta.messages.create({
        model: 'gpt-4o-mini',
        max_tokens: 50,
        betas: BETAS,
        tools: [bashTool],
        thinking: { type: 'enabled', budget_tokens: 1_024 },
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'document',
                source: { type: 'text', media_type: 'text/plain', data: 'line one' },
                title: 'notes.txt',
              },
              { type: 'text', text: 'Run it' },
            ],
          },
          {
            role: 'assistant',
            content: [{ type: 'tool_use', id: 'toolu_9', name: 'Bash', input: { command: 'make' } }],
          },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 'toolu_9',
                content: 'make: *** No targets.',
                is_error: true,
              },
            ],
          },
        ],
      });
      const upstream = gateway.upstreams.openai.requests.at(-1)!;
      expect(upstream.headers['anthropic-beta']).toBeUndefined();
      expect((upstream.body as { messages: unknown[] }).messages).toEqual([
        { role: 'user', content: 'notes.txt\n\nline one\nRun it' },
        expect.objectContaining({ role: 'assistant' }),
        { role: 'tool', tool_call_id: 'toolu_9', content: 'Error: make: *** No targets.' },
      ]);
    });

    it('refuses a malformed anthropic-beta header before anything is called', async () => {
      const refused = await request(gateway.app.getHttpServer())
        .post('/v1/messages')
        .set('x-api-key', apiKey)
        .set('anthropic-beta', 'context-management-2025-06-27; x-evil=1')
        .send({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
        .expect(400);
      expect(refused.body.error).toMatchObject({
        type: 'invalid_request_error',
        message: expect.stringMatching(/^anthropic-beta must be up to 32 comma-separated beta names/),
      });
    });
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
              {
                role: 'user',
                content: [{ type: 'search_result', source: 'https://example.com', title: 't', content: [] }],
              },
            ],
          },
          /messages\.0\.content\.0 type must be one of text, image, document, tool_result/,
        ],
        [
          {
            model: 'claude-haiku-4-5',
            max_tokens: 5,
            messages: [
              { role: 'user', content: [{ type: 'document', source: { type: 'text', data: 'x' } }] },
            ],
          },
          /messages\.0\.content\.0\.source\.media_type must be 'text\/plain'/,
        ],
        [
          {
            model: 'claude-haiku-4-5',
            max_tokens: 5,
            messages: [{ role: 'user', content: 'x' }],
            tools: [{ type: 'bash_20250124', name: 'bash' }],
          },
          /tools\.0 type must be 'custom' or a server tool the gateway forwards/,
        ],
        [
          {
            model: 'claude-haiku-4-5',
            max_tokens: 5,
            messages: [{ role: 'user', content: 'x' }],
            tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 5, region: 'eu' }],
          },
          /tools\.0 has an unknown field 'region'/,
        ],
        [
          {
            model: 'claude-haiku-4-5',
            max_tokens: 5,
            messages: [{ role: 'user', content: 'x' }],
            context_management: { edits: [{ type: 'clear_everything' }] },
          },
          /context_management\.edits\.0 type must be one of clear_tool_uses_20250919, clear_thinking_20251015/,
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
