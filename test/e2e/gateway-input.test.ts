import { startGatewayApp, type GatewayTestApp } from '../support/gateway';

/** gpt-4o's list price for input in the built-in catalog: $2.50 per million tokens. */
const GPT_4O_INPUT_MICROS_PER_TOKEN = 2.5;
const METADATA_URL = 'http://169.254.169.254/latest/meta-data/iam/security-credentials/';

interface Answer {
  status: number;
  body: { error?: { type: string; code: string | null; param: string | null; message: string } };
  requestId: string;
  reservedMicros: bigint;
}

/** A schema of about `chars` characters: many small properties, as a real (if absurd) schema would be. */
function wideSchema(chars: number): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const property = { type: 'string', description: 'Padding that the provider bills as input' };
  const each = JSON.stringify({ field_00000: property }).length - 1;
  for (let index = 0; index * each < chars; index++)
    properties[`field_${String(index).padStart(5, '0')}`] = property;
  return { type: 'object', properties };
}

/**
 * The attack of issue 10 item 2 (fields outside messages and tools, unbounded and uncounted, made the
 * hold and so the charge tiny) and item 10 (image URLs forwarded for any model and any address).
 */
describe('LLM gateway input: every forwarded field bounded and counted, images vetted', () => {
  let gateway: GatewayTestApp;

  beforeAll(async () => {
    gateway = await startGatewayApp();
    for (const user of ['mallory', 'vera']) {
      await gateway.setPlan(user, { tier: 'professional' });
      await gateway.fund(user, 10_000_000n);
    }
  });
  afterAll(async () => {
    await gateway?.close();
  });
  beforeEach(() => {
    for (const upstream of Object.values(gateway.upstreams)) upstream.reset();
  });

  const upstreamCalls = () =>
    Object.values(gateway.upstreams).reduce((sum, upstream) => sum + upstream.requests.length, 0);

  async function ask(user: string, body: Record<string, unknown>): Promise<Answer> {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.token(user, 'user')}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const requestId = response.headers.get('x-ops-request-id') ?? '';
    const routed = (await gateway.recorded(requestId)).routed;
    return {
      status: response.status,
      body: (await response.json()) as Answer['body'],
      requestId,
      reservedMicros: BigInt(routed?.reservedMicros ?? '0'),
    };
  }

  const hello = [{ role: 'user', content: 'Say hello' }];

  describe('item 2: fields outside messages', () => {
    it('refuses the 800 KB response_format of the attack with an OpenAI 400, calling no provider', async () => {
      const answer = await ask('mallory', {
        model: 'gpt-4o',
        max_tokens: 1,
        messages: hello,
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'attack', schema: wideSchema(800_000) },
        },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({
        type: 'invalid_request_error',
        param: 'response_format',
        message: expect.stringContaining(
          'response_format.json_schema.schema must be at most 65536 characters',
        ),
      });
      expect(upstreamCalls()).toBe(0);
    });

    it('holds credits for every byte it forwards: response_format, stop, tool_choice and tools', async () => {
      const body = {
        model: 'gpt-4o',
        max_tokens: 1,
        messages: hello,
        response_format: { type: 'json_schema', json_schema: { name: 'big', schema: wideSchema(60_000) } },
        stop: ['s'.repeat(256), 't'.repeat(256), 'u'.repeat(256), 'v'.repeat(256)],
        tools: [{ type: 'function', function: { name: 'lookup', parameters: wideSchema(20_000) } }],
        tool_choice: { type: 'function', function: { name: 'lookup' } },
      };
      const answer = await ask('mallory', body);
      expect(answer.status).toBe(200);
      // The old estimate counted messages and tools only: about 7,000 tokens, 17,500 micro-USD here.
      const sentTokens = JSON.stringify(body).length / 3;
      expect(Number(answer.reservedMicros)).toBeGreaterThanOrEqual(
        sentTokens * GPT_4O_INPUT_MICROS_PER_TOKEN,
      );
      expect(gateway.upstreams.openai.requests[0].body).toMatchObject({
        response_format: body.response_format,
        stop: body.stop,
        tool_choice: body.tool_choice,
      });
    });

    it('checks the context window against the whole request, not only the messages', async () => {
      await gateway.setPlan('vera', { tier: 'professional' });
      // Qwen2.5 Coder 32B on Together: a 32,768-token window. The messages alone (~12k tokens) fit.
      const answer = await ask('vera', {
        model: 'Qwen/Qwen2.5-Coder-32B-Instruct',
        max_tokens: 1_000,
        messages: [{ role: 'user', content: 'word '.repeat(7_000) }],
        response_format: { type: 'json_schema', json_schema: { name: 'wide', schema: wideSchema(63_000) } },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({
        type: 'invalid_request_error',
        code: 'context_length_exceeded',
      });
      expect(upstreamCalls()).toBe(0);
    });

    it.each([
      ['five stop sequences', { stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
      ['a 10 KB stop sequence', { stop: 'x'.repeat(10_000) }, 'stop'],
      [
        'a tool_choice with an unknown field',
        { tool_choice: { type: 'function', function: { name: 'f', padding: 'x' } } },
        'tool_choice',
      ],
      [
        'a tool_choice naming a 10 KB function',
        { tool_choice: { type: 'function', function: { name: 'f'.repeat(10_000) } } },
        'tool_choice',
      ],
      [
        '129 tools',
        { tools: Array.from({ length: 129 }, (_, i) => ({ type: 'function', function: { name: `f${i}` } })) },
        'tools',
      ],
      [
        'a tool with a field OpenAI does not define',
        { tools: [{ type: 'function', function: { name: 'f' }, padding: 'x' }] },
        'tools',
      ],
      [
        'a 100 KB tool schema',
        { tools: [{ type: 'function', function: { name: 'f', parameters: wideSchema(100_000) } }] },
        'tools',
      ],
      [
        'a schema nested 40 deep',
        {
          response_format: {
            type: 'json_schema',
            json_schema: { name: 'deep', schema: JSON.parse('{"a":'.repeat(40) + '{}' + '}'.repeat(40)) },
          },
        },
        'response_format',
      ],
      [
        'a response_format with padding',
        { response_format: { type: 'json_object', padding: 'x'.repeat(1_000) } },
        'response_format',
      ],
      [
        '301 logit biases',
        { logit_bias: Object.fromEntries(Array.from({ length: 301 }, (_, i) => [String(i), 1])) },
        'logit_bias',
      ],
      ['a logit bias on a word', { logit_bias: { hello: 5 } }, 'logit_bias'],
      [
        '17 metadata pairs',
        { metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) },
        'metadata',
      ],
      ['a 600-character metadata value', { metadata: { note: 'x'.repeat(600) } }, 'metadata'],
      [
        'stream_options with padding',
        { stream: true, stream_options: { include_usage: true, padding: 'x' } },
        'stream_options',
      ],
      [
        'a message field OpenAI does not define',
        { messages: [{ role: 'user', content: 'hi', padding: 'x' }] },
        'messages',
      ],
      [
        'a content part with padding',
        { messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', padding: 'x' }] }] },
        'messages',
      ],
      ['an unsafe seed', { seed: 2 ** 60 }, 'seed'],
      ['a field OpenAI does not define', { padding: 'x' }, 'padding'],
    ])('refuses %s with an OpenAI 400 naming the field', async (_, fields, param) => {
      const answer = await ask('mallory', { model: 'gpt-4o', max_tokens: 1, messages: hello, ...fields });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ type: 'invalid_request_error', param });
      expect(upstreamCalls()).toBe(0);
    });

    it('accepts an SDK echoing an assistant reply with refusal and annotations', async () => {
      const answer = await ask('mallory', {
        model: 'gpt-4o',
        max_tokens: 5,
        messages: [
          ...hello,
          { role: 'assistant', content: 'Hello!', refusal: null, annotations: [] },
          { role: 'user', content: 'Again' },
        ],
      });
      expect(answer.status).toBe(200);
    });
  });

  describe('item 10: images', () => {
    const withImage = (model: string, url: string) => ({
      model,
      max_tokens: 5,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image_url', image_url: { url } },
          ],
        },
      ],
    });

    it.each([
      ['the metadata endpoint over http', METADATA_URL],
      ['the metadata endpoint over https', 'https://169.254.169.254/latest/meta-data/'],
      ['the metadata address as one hex number', 'https://0xa9fea9fe/latest/meta-data/'],
      ['the metadata address IPv4-mapped', 'https://[::ffff:169.254.169.254]/latest/meta-data/'],
      ['loopback IPv6', 'https://[::1]:8080/admin'],
      ['localhost', 'https://localhost/secret.png'],
      ['a private address', 'https://10.0.0.5/internal.png'],
      ['credentials', 'https://user:pass@images.example.com/a.png'],
      ['an svg data URL', 'data:image/svg+xml;base64,PHN2Zz4='],
    ])('refuses %s with 400 and forwards nothing', async (_, url) => {
      const answer = await ask('vera', withImage('gpt-4o', url));
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({
        type: 'invalid_request_error',
        code: 'invalid_image_url',
        param: 'messages[0].content[1].image_url.url',
      });
      expect(upstreamCalls()).toBe(0);
    });

    it('refuses a data URL over LLM_IMAGE_DATA_URL_MAX_BYTES', async () => {
      const answer = await ask('vera', withImage('gpt-4o', `data:image/png;base64,${'A'.repeat(700_000)}`));
      expect(answer.status).toBe(400);
      expect(answer.body.error?.code).toBe('invalid_image_url');
      expect(upstreamCalls()).toBe(0);
    });

    it('refuses an image for a model without vision with 400', async () => {
      const answer = await ask(
        'vera',
        withImage('llama-3.1-8b-instant', 'https://images.example.com/cat.png'),
      );
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({
        type: 'invalid_request_error',
        code: 'image_not_supported',
        param: 'messages',
      });
      expect(upstreamCalls()).toBe(0);
    });

    it('forwards a valid https image to a vision model, as parsed, and holds credits for it', async () => {
      const answer = await ask('vera', withImage('gpt-4o', 'HTTPS://Images.Example.com/cat.png'));
      expect(answer.status).toBe(200);
      const sent = gateway.upstreams.openai.requests[0].body as { messages: Array<{ content: unknown[] }> };
      expect(sent.messages[0].content[1]).toEqual({
        type: 'image_url',
        image_url: { url: 'https://images.example.com/cat.png' },
      });
      // An image counts about 1,600 tokens of input: 4,000 micro-USD on gpt-4o.
      expect(answer.reservedMicros).toBeGreaterThanOrEqual(4_000n);
    });

    it('forwards a small inline image to Anthropic as a base64 block', async () => {
      const answer = await ask('vera', withImage('claude-haiku-4-5', 'data:image/png;base64,iVBORw0KGgo='));
      expect(answer.status).toBe(200);
      const sent = gateway.upstreams.anthropic.requests[0].body as {
        messages: Array<{ content: unknown[] }>;
      };
      expect(sent.messages[0].content).toContainEqual({
        type: 'image',
        source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' },
      });
    });
  });
});
