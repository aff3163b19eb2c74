import { UpstreamClient } from '../../../libs/infra/src/llm-upstream/upstream-client';
import { UpstreamError } from '../../../libs/infra/src/llm-upstream/upstream-error';
import type { UpstreamTarget } from '../../../libs/infra/src/llm-upstream/upstream-target';
import type { ChatCompletionRequest } from '../../../libs/infra/src/llm-upstream/openai-wire';
import { startFakeOpenAiProvider, type FakeProvider } from '../../support/fake-providers';
import { freePort } from '../../support/free-port';
import { caught, collect, outcomeOf, textOf, toolCallsOf } from './upstream-test-kit';

const KEY = 'sk-fake-groq-key';
const lookupTool = {
  type: 'function' as const,
  function: { name: 'lookup', parameters: { type: 'object', properties: { request: { type: 'string' } } } },
};

describe('UpstreamClient against an OpenAI-compatible provider', () => {
  let fake: FakeProvider;
  let client: UpstreamClient;
  let target: UpstreamTarget;

  beforeAll(async () => {
    fake = await startFakeOpenAiProvider({ name: 'groq', apiKey: KEY });
    client = new UpstreamClient();
    target = {
      provider: 'groq',
      wireFormat: 'openai',
      baseUrl: fake.baseUrl,
      apiKey: KEY,
      model: 'llama-3.3-70b',
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

  it('completes: sends the target model with the Bearer key, returns the completion and its usage', async () => {
    const { body, usage } = await client.complete(target, ask('hello there friend'));
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'llama-3.3-70b',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'groq says hello to llama-3.3-70b' },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 6, completion_tokens: 5, total_tokens: 11 },
    });
    expect(usage).toEqual({ inputTokens: 6, outputTokens: 5 });
    const [sent] = fake.requests;
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent.body).toMatchObject({ model: 'llama-3.3-70b', messages: ask('hello there friend').messages });
    expect(sent.body).not.toHaveProperty('stream_options');
  });

  it('reuses keep-alive connections instead of opening one per request', async () => {
    for (let i = 0; i < 10; i++) await client.complete(target, ask(`request ${i}`));
    const connections = new Set(fake.requests.map((request) => request.clientPort));
    // undici may open a second socket while the first is being released; never one per request.
    expect(connections.size).toBeLessThanOrEqual(2);
  });

  it('streams OpenAI chunks, always asking the upstream for usage, and reports it', async () => {
    const stream = await client.stream(target, ask('hello there friend', { stream: true }));
    const chunks = await collect(stream);
    expect(fake.requests[0].body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(
      chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.model === 'llama-3.3-70b'),
    ).toBe(true);
    expect(textOf(chunks)).toBe('groq says hello to llama-3.3-70b');
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBe(5);
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 6, completion_tokens: 5 } });
    expect(stream.usage()).toEqual({ inputTokens: 6, outputTokens: 5 });
  });

  it('reports no usage when the upstream gives none', async () => {
    fake.enqueue({ omitUsage: true }, { omitUsage: true });
    expect((await client.complete(target, ask('hi'))).usage).toBeNull();
    const stream = await client.stream(target, ask('hi'));
    await collect(stream);
    expect(stream.usage()).toBeNull();
  });

  it('passes max_tokens through and reports a cut answer as finish_reason length', async () => {
    const { body, usage } = await client.complete(target, ask('hi', { max_tokens: 2 }));
    expect(body.choices[0]).toMatchObject({ message: { content: 'groq says ' }, finish_reason: 'length' });
    expect(usage?.outputTokens).toBe(2);
  });

  it('returns tool calls, streamed or not, and sends the tool answers back', async () => {
    const request = ask('please use a tool', { tools: [lookupTool] });
    const { body } = await client.complete(target, request);
    const [call] = body.choices[0].message.tool_calls ?? [];
    expect(body.choices[0].finish_reason).toBe('tool_calls');
    expect(call).toMatchObject({ type: 'function', function: { name: 'lookup' } });
    expect(JSON.parse(call.function.arguments)).toEqual({ request: 'please use a tool' });

    const chunks = await collect(await client.stream(target, request));
    expect(toolCallsOf(chunks)).toEqual([
      { id: expect.any(String), name: 'lookup', arguments: call.function.arguments },
    ]);
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe('tool_calls');

    const answered = await client.complete(target, {
      ...request,
      messages: [
        ...request.messages,
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: 'forty-two' },
      ],
    });
    expect(answered.body.choices[0]).toMatchObject({
      message: { content: 'groq says hello to llama-3.3-70b' },
      finish_reason: 'stop',
    });
  });

  it('classifies upstream errors: 429 with retry-after, 500, 503, 400', async () => {
    fake.enqueue(
      { status: 429, retryAfterSeconds: 2 },
      { status: 500 },
      { status: 503 },
      { status: 400, errorMessage: 'bad temperature' },
    );
    const rateLimited = await caught(client.complete(target, ask('hi')));
    expect(rateLimited).toBeInstanceOf(UpstreamError);
    expect(rateLimited).toMatchObject({
      kind: 'rate_limited',
      status: 429,
      retryable: true,
      retryAfterMs: 2000,
    });
    expect(await caught(client.complete(target, ask('hi')))).toMatchObject({
      kind: 'server_error',
      status: 500,
      retryable: true,
    });
    expect(await caught(client.stream(target, ask('hi')))).toMatchObject({
      kind: 'server_error',
      status: 503,
    });
    expect(await caught(client.complete(target, ask('hi')))).toMatchObject({
      kind: 'bad_request',
      status: 400,
      retryable: false,
      upstreamMessage: 'bad temperature',
    });
  });

  it('rejects a wrong or missing key as auth, not retryable', async () => {
    const wrong = await caught(client.complete({ ...target, apiKey: 'sk-wrong' }, ask('hi')));
    expect(wrong).toMatchObject({
      kind: 'auth',
      status: 401,
      retryable: false,
      upstreamMessage: 'Incorrect API key provided.',
    });
    expect(await caught(client.stream({ ...target, apiKey: null }, ask('hi')))).toMatchObject({
      kind: 'auth',
      status: 401,
    });
    expect(fake.requests[1].headers.authorization).toBeUndefined();
  });

  it('times out waiting for headers after timeoutMs', async () => {
    fake.enqueue({ delayMs: 3000 });
    const started = Date.now();
    const error = await caught(client.complete({ ...target, timeoutMs: 150 }, ask('hi')));
    expect(error).toMatchObject({ kind: 'timeout', status: null, retryable: true });
    expect(Date.now() - started).toBeLessThan(700);
  });

  it('reports a refused connection', async () => {
    const closedPort = await freePort();
    const error = await caught(
      client.complete({ ...target, baseUrl: `http://127.0.0.1:${closedPort}/v1` }, ask('hi')),
    );
    expect(error).toMatchObject({ kind: 'connection', status: null, retryable: true });
  });

  it('throws an UpstreamError from the chunks when the upstream drops the stream midway', async () => {
    fake.enqueue({ failAfterChunks: 3 });
    const stream = await client.stream(target, ask('hi'));
    const received: string[] = [];
    const error = await caught(
      (async () => {
        for await (const chunk of stream.chunks) received.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    );
    expect(error).toMatchObject({ kind: 'connection', retryable: true });
    expect(received).toEqual(['', 'groq ', 'says ']);
    expect(fake.requests[0].outcome).toBe('dropped');
  });

  it('delivers every chunk received before a drop, even to a caller that starts reading after it', async () => {
    // The gateway reads nothing until the request's hold is stored; a provider may fail before then.
    fake.enqueue({ failAfterChunks: 3 });
    const stream = await client.stream(target, ask('hi'));
    expect(await outcomeOf(fake, 0)).toBe('dropped');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const received: string[] = [];
    const error = await caught(
      (async () => {
        for await (const chunk of stream.chunks) received.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    );
    expect(received).toEqual(['', 'groq ', 'says ']);
    expect(error).toMatchObject({ kind: 'connection', retryable: true });
  });

  it('aborts the upstream request when the signal fires, before or during the stream', async () => {
    fake.enqueue({ delayMs: 3000 }, { chunkDelayMs: 300 });
    const beforeHeaders = new AbortController();
    setTimeout(() => beforeHeaders.abort(new Error('client went away')), 50);
    const error = await caught(client.complete(target, ask('hi'), beforeHeaders.signal));
    expect(error).toEqual(new Error('client went away'));
    expect(await outcomeOf(fake, 0)).toBe('aborted');

    const midStream = new AbortController();
    const stream = await client.stream(target, ask('hi'), midStream.signal);
    const iterator = stream.chunks[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ choices: [{ delta: { role: 'assistant' } }] });
    midStream.abort(new Error('client went away'));
    await expect(iterator.next()).rejects.toThrow('client went away');
    expect(await outcomeOf(fake, 1)).toBe('aborted');
  });

  it('closes the upstream request when the caller stops reading', async () => {
    fake.enqueue({ chunkDelayMs: 300 });
    const stream = await client.stream(target, ask('hi'));
    for await (const chunk of stream.chunks) {
      expect(chunk.choices[0].delta.role).toBe('assistant');
      break;
    }
    expect(await outcomeOf(fake, 0)).toBe('aborted');
  });

  it('lists models with the key, and refuses a bad key', async () => {
    expect(await client.listModels(target)).toEqual(['groq-model']);
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(await caught(client.listModels({ ...target, apiKey: 'sk-wrong' }))).toMatchObject({
      kind: 'auth',
      status: 401,
    });
  });
});
