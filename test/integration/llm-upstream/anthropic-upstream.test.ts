import type { ChatCompletionRequest } from '../../../libs/infra/src/llm-upstream/openai-wire';
import { UpstreamClient } from '../../../libs/infra/src/llm-upstream/upstream-client';
import { UpstreamError } from '../../../libs/infra/src/llm-upstream/upstream-error';
import type { UpstreamTarget } from '../../../libs/infra/src/llm-upstream/upstream-target';
import { startFakeAnthropicProvider, type FakeProvider } from '../../support/fake-providers';
import { freePort } from '../../support/free-port';
import { caught, collect, outcomeOf, textOf, toolCallsOf } from './upstream-test-kit';

const KEY = 'sk-ant-fake-key';
const lookupTool = {
  type: 'function' as const,
  function: { name: 'lookup', parameters: { type: 'object', properties: { request: { type: 'string' } } } },
};

describe('UpstreamClient against Anthropic', () => {
  let fake: FakeProvider;
  let client: UpstreamClient;
  let target: UpstreamTarget;

  beforeAll(async () => {
    fake = await startFakeAnthropicProvider({ name: 'claude', apiKey: KEY, models: ['claude-sonnet-4-5'] });
    client = new UpstreamClient({ defaultMaxTokens: 1024 });
    target = {
      provider: 'anthropic',
      wireFormat: 'anthropic',
      baseUrl: fake.baseUrl,
      apiKey: KEY,
      model: 'claude-sonnet-4-5',
      timeoutMs: 2000,
    };
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    await client.close();
    await fake.close();
  });

  const ask = (content: string, extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
    model: 'gateway-alias',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content },
    ],
    ...extra,
  });

  it('completes through the Messages API and answers in the OpenAI shape', async () => {
    const { body, usage } = await client.complete(target, ask('hello there friend', { temperature: 1.5 }));
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'claude-sonnet-4-5',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'claude says hello to claude-sonnet-4-5' },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 6, completion_tokens: 5, total_tokens: 11 },
    });
    expect(usage).toEqual({ inputTokens: 6, outputTokens: 5 });
    const [sent] = fake.requests;
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/messages' });
    expect(sent.headers['x-api-key']).toBe(KEY);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      system: 'You are terse.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hello there friend' }] }],
      temperature: 1,
    });
  });

  it('streams the Message as OpenAI chunks with a usage chunk', async () => {
    const stream = await client.stream(target, ask('hello there friend', { stream: true }));
    const chunks = await collect(stream);
    expect(fake.requests[0].body).toMatchObject({ stream: true });
    expect(
      chunks.every(
        (chunk) => chunk.object === 'chat.completion.chunk' && chunk.model === 'claude-sonnet-4-5',
      ),
    ).toBe(true);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(textOf(chunks)).toBe('claude says hello to claude-sonnet-4-5');
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 6, completion_tokens: 5 } });
    expect(stream.usage()).toEqual({ inputTokens: 6, outputTokens: 5 });
  });

  it('maps max_tokens to finish_reason length', async () => {
    const { body } = await client.complete(target, ask('hi', { max_completion_tokens: 2 }));
    expect(body.choices[0]).toMatchObject({ message: { content: 'claude says ' }, finish_reason: 'length' });
    const chunks = await collect(await client.stream(target, ask('hi', { max_tokens: 3 })));
    expect(textOf(chunks)).toBe('claude says hello ');
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe('length');
  });

  it('translates tool use both ways, streamed or not, and the tool answers back', async () => {
    const request = ask('please use a tool', { tools: [lookupTool], tool_choice: 'required' });
    const { body, usage } = await client.complete(target, request);
    const message = body.choices[0].message;
    expect(body.choices[0].finish_reason).toBe('tool_calls');
    expect(message.content).toBe('Let me use lookup.');
    expect(message.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^toolu_/),
        type: 'function',
        function: { name: 'lookup', arguments: expect.any(String) },
      },
    ]);
    expect(JSON.parse(message.tool_calls![0].function.arguments)).toEqual({ request: 'please use a tool' });
    expect(usage).toEqual({ inputTokens: 7, outputTokens: 7 });
    expect(fake.requests[0].body).toMatchObject({
      tools: [{ name: 'lookup', input_schema: lookupTool.function.parameters }],
      tool_choice: { type: 'any' },
    });

    const stream = await client.stream(target, request);
    const chunks = await collect(stream);
    expect(textOf(chunks)).toBe('Let me use lookup.');
    expect(toolCallsOf(chunks)).toEqual([
      {
        id: expect.stringMatching(/^toolu_/),
        name: 'lookup',
        arguments: message.tool_calls![0].function.arguments,
      },
    ]);
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe('tool_calls');
    expect(stream.usage()).toEqual({ inputTokens: 7, outputTokens: 7 });

    // The fake refuses tool_result blocks that do not answer the previous turn's tool_use, as Anthropic does.
    const answered = await client.complete(target, {
      ...request,
      messages: [
        ...request.messages,
        { role: 'assistant', content: message.content, tool_calls: message.tool_calls },
        { role: 'tool', tool_call_id: message.tool_calls![0].id, content: 'forty-two' },
      ],
    });
    expect(answered.body.choices[0]).toMatchObject({
      message: { content: 'claude says hello to claude-sonnet-4-5' },
      finish_reason: 'stop',
    });
    expect(
      await caught(
        client.complete(target, {
          ...request,
          messages: [...request.messages, { role: 'tool', tool_call_id: 'toolu_unknown', content: 'x' }],
        }),
      ),
    ).toMatchObject({ kind: 'bad_request', status: 400 });
  });

  it('classifies Anthropic errors: 429 with retry-after, 529 overloaded, 500, 400', async () => {
    fake.enqueue(
      { status: 429, retryAfterSeconds: 3 },
      { status: 529 },
      { status: 500 },
      { status: 400, errorMessage: 'messages: too long' },
    );
    const rateLimited = await caught(client.complete(target, ask('hi')));
    expect(rateLimited).toBeInstanceOf(UpstreamError);
    expect(rateLimited).toMatchObject({
      kind: 'rate_limited',
      status: 429,
      retryable: true,
      retryAfterMs: 3000,
    });
    expect(await caught(client.stream(target, ask('hi')))).toMatchObject({
      kind: 'server_error',
      status: 529,
      retryable: true,
    });
    expect(await caught(client.complete(target, ask('hi')))).toMatchObject({
      kind: 'server_error',
      status: 500,
    });
    expect(await caught(client.complete(target, ask('hi')))).toMatchObject({
      kind: 'bad_request',
      status: 400,
      retryable: false,
      upstreamMessage: 'messages: too long',
    });
  });

  it('rejects a wrong or missing key as auth', async () => {
    expect(await caught(client.complete({ ...target, apiKey: 'sk-ant-wrong' }, ask('hi')))).toMatchObject({
      kind: 'auth',
      status: 401,
      upstreamMessage: 'invalid x-api-key',
    });
    expect(await caught(client.stream({ ...target, apiKey: null }, ask('hi')))).toMatchObject({
      kind: 'auth',
      upstreamMessage: 'x-api-key header is required',
    });
  });

  it('times out, and reports a refused connection', async () => {
    fake.enqueue({ delayMs: 3000 });
    expect(await caught(client.stream({ ...target, timeoutMs: 150 }, ask('hi')))).toMatchObject({
      kind: 'timeout',
    });
    const closedPort = await freePort();
    expect(
      await caught(client.complete({ ...target, baseUrl: `http://127.0.0.1:${closedPort}/v1` }, ask('hi'))),
    ).toMatchObject({
      kind: 'connection',
    });
  });

  it('throws an UpstreamError from the chunks when the upstream drops the stream midway', async () => {
    fake.enqueue({ failAfterChunks: 5 });
    const stream = await client.stream(target, ask('hi'));
    const received: string[] = [];
    const error = await caught(
      (async () => {
        for await (const chunk of stream.chunks) received.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    );
    expect(error).toMatchObject({ kind: 'connection', retryable: true });
    // message_start, content_block_start, ping, two text deltas: then the connection went.
    expect(received).toEqual(['', 'claude ', 'says ']);
    expect(fake.requests[0].outcome).toBe('dropped');
  });

  it('aborts the upstream request when the signal fires mid-stream', async () => {
    fake.enqueue({ chunkDelayMs: 300 });
    const controller = new AbortController();
    const stream = await client.stream(target, ask('hi'), controller.signal);
    const iterator = stream.chunks[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort(new Error('client went away'));
    await expect(iterator.next()).rejects.toThrow('client went away');
    expect(await outcomeOf(fake, 0)).toBe('aborted');
  });

  it('lists models with x-api-key and anthropic-version', async () => {
    expect(await client.listModels(target)).toEqual(['claude-sonnet-4-5']);
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(fake.requests[0].headers).toMatchObject({ 'x-api-key': KEY, 'anthropic-version': '2023-06-01' });
    expect(await caught(client.listModels({ ...target, apiKey: 'sk-ant-wrong' }))).toMatchObject({
      kind: 'auth',
    });
  });
});
