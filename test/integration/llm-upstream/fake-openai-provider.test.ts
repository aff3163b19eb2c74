import OpenAI from 'openai';
import { startFakeOpenAiProvider, type FakeProvider } from '../../support/fake-providers';

/** The official SDK as the judge of the fake's wire format: if it parses our answers, so will others. */
describe('fake OpenAI-compatible provider, through the official openai SDK', () => {
  let fake: FakeProvider;
  let sdk: OpenAI;

  beforeAll(async () => {
    fake = await startFakeOpenAiProvider({ name: 'vllm', apiKey: 'sk-local' });
    sdk = new OpenAI({ baseURL: fake.baseUrl, apiKey: 'sk-local', maxRetries: 0 });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('answers a completion the SDK reads, with usage', async () => {
    const completion = await sdk.chat.completions.create({
      model: 'qwen',
      messages: [{ role: 'user', content: 'a b c' }],
    });
    expect(completion.choices[0].message.content).toBe('vllm says hello to qwen');
    expect(completion.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 });
  });

  it('streams chunks, with a usage chunk only when include_usage is asked', async () => {
    const withUsage = await sdk.chat.completions.create({
      model: 'qwen',
      messages: [{ role: 'user', content: 'a b c' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of withUsage) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(
      'vllm says hello to qwen',
    );
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 5 } });

    const withoutUsage = await sdk.chat.completions.create({
      model: 'qwen',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const plain = [];
    for await (const chunk of withoutUsage) plain.push(chunk);
    expect(plain.some((chunk) => chunk.usage)).toBe(false);
    expect(plain.at(-1)?.choices[0].finish_reason).toBe('stop');
  });

  it('streams a tool call the SDK stream helper assembles', async () => {
    const runner = sdk.chat.completions.stream({
      model: 'qwen',
      messages: [{ role: 'user', content: 'Please use a tool' }],
      tools: [
        { type: 'function', function: { name: 'search', parameters: { type: 'object', properties: {} } } },
      ],
    });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    const call = final.choices[0].message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('search');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({
      request: 'Please use a tool',
    });
  });

  it('fails in the shapes the SDK maps to its error classes', async () => {
    fake.enqueue({ status: 429, retryAfterSeconds: 7 }, { status: 503 });
    const ask = () =>
      sdk.chat.completions.create({ model: 'qwen', messages: [{ role: 'user', content: 'x' }] });
    const rateLimited = await ask().catch((error: unknown) => error);
    expect(rateLimited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((rateLimited as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('7');
    expect((rateLimited as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('rate_limit_exceeded');
    expect(await ask().catch((error: unknown) => error)).toBeInstanceOf(OpenAI.InternalServerError);
    const badKey = new OpenAI({ baseURL: fake.baseUrl, apiKey: 'sk-wrong', maxRetries: 0 });
    const denied = await badKey.models.list().catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((denied as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
  });

  it('refuses stream_options without stream and a tool answer without a tool call, as OpenAI does', async () => {
    const noStream = await sdk.chat.completions
      .create({
        model: 'qwen',
        messages: [{ role: 'user', content: 'x' }],
        stream_options: { include_usage: true },
      })
      .catch((error: unknown) => error);
    expect(noStream).toBeInstanceOf(OpenAI.BadRequestError);
    const orphan = await sdk.chat.completions
      .create({ model: 'qwen', messages: [{ role: 'tool', tool_call_id: 'call_x', content: 'x' }] })
      .catch((error: unknown) => error);
    expect(orphan).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('lists its models', async () => {
    const page = await sdk.models.list();
    expect(page.data.map((model) => model.id)).toEqual(['vllm-model']);
  });
});
