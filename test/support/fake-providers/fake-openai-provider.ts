import {
  type FakeBehaviour,
  type FakeProvider,
  type FakeProviderOptions,
  type FakeReply,
  type FakeRequest,
  startFakeProvider,
} from './fake-provider';
import { limitPieces, replyPieces, toolArgumentPieces, wantsTool, wordCount } from './deterministic-reply';

interface Message {
  role?: unknown;
  content?: unknown;
  tool_calls?: Array<{ id?: unknown }>;
  tool_call_id?: unknown;
}

interface Tool {
  function?: { name?: unknown };
}

interface Completion {
  model: string;
  stream: boolean;
  includeUsage: boolean;
  promptTokens: number;
  /** Text pieces, or the tool call whose arguments stream in pieces. */
  pieces: string[];
  toolName: string | null;
  finishReason: 'stop' | 'length' | 'tool_calls';
}

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'invalid_request_error',
  403: 'permission_denied',
  404: 'invalid_request_error',
  429: 'requests',
  500: 'server_error',
  503: 'server_error',
};

/**
 * An OpenAI-compatible provider (`{baseUrl}` ends in `/v1`): `POST /chat/completions` (JSON or SSE
 * chunks, usage chunk only with `stream_options.include_usage`, tool calls), `POST /embeddings`,
 * `GET /models`, Bearer key check, OpenAI's error shape `{error: {message, type, param, code}}`.
 */
export function startFakeOpenAiProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const name = options.name ?? 'fake-openai';
  const models = options.models ?? [`${name}-model`];
  let sequence = 0;

  const reply = (request: FakeRequest, behaviour: FakeBehaviour): FakeReply => {
    const denied = checkKey(request);
    if (denied) return denied;
    if (request.method === 'GET' && request.path === '/v1/models') {
      return {
        kind: 'json',
        status: 200,
        body: {
          object: 'list',
          data: models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: name })),
        },
      };
    }
    if (request.method === 'POST' && request.path === '/v1/embeddings') {
      return failureAsked(name, behaviour) ?? embeddings(request, options.models, behaviour);
    }
    if (request.method !== 'POST' || request.path !== '/v1/chat/completions') {
      return error(404, `Unknown request URL: ${request.method} ${request.path}.`, { code: 'unknown_url' });
    }
    const failure = failureAsked(name, behaviour);
    if (failure) return failure;
    const completion = read(request, name, options.models);
    if ('kind' in completion) return completion;
    const id = `chatcmpl-${name}-${++sequence}`;
    return completion.stream
      ? { kind: 'sse', frames: streamFrames(id, completion, behaviour) }
      : { kind: 'json', status: 200, body: completionBody(id, completion, behaviour) };
  };

  return startFakeProvider(
    {
      basePath: '/v1',
      isCompletion: (request) => request.path === '/v1/chat/completions' || request.path === '/v1/embeddings',
      reply,
    },
    options,
  );
}

/** The error a test queued for the next request, in OpenAI's shape; null for a success. */
function failureAsked(name: string, behaviour: FakeBehaviour): FakeReply | null {
  if (!behaviour.status || behaviour.status < 400) return null;
  return error(behaviour.status, behaviour.errorMessage ?? `${name} failed on purpose`, {
    type: behaviour.errorType,
    code: behaviour.status === 429 ? 'rate_limit_exceeded' : null,
    retryAfterSeconds: behaviour.status === 429 ? (behaviour.retryAfterSeconds ?? 1) : undefined,
  });
}

function checkKey(request: FakeRequest): FakeReply | null {
  if (request.keys === null) return null;
  const header = request.headers.authorization;
  if (!header?.startsWith('Bearer ')) {
    return error(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      {},
    );
  }
  if (!request.keys.has(header.slice('Bearer '.length))) {
    return error(401, 'Incorrect API key provided.', { code: 'invalid_api_key' });
  }
  return null;
}

/** The JSON body of a request for a model, or OpenAI's refusal of an unreadable body or unknown model. */
function modelRequest(
  request: FakeRequest,
  models: string[] | undefined,
): { body: Record<string, unknown> & { model: string } } | { refusal: FakeReply } {
  if (request.malformed || typeof request.body !== 'object' || request.body === null) {
    return { refusal: error(400, 'We could not parse the JSON body of your request.', {}) };
  }
  const body = request.body as Record<string, unknown>;
  if (typeof body.model !== 'string' || body.model === '')
    return { refusal: error(400, 'you must provide a model parameter', {}) };
  if (models && !models.includes(body.model)) {
    const message = `The model \`${body.model}\` does not exist or you do not have access to it.`;
    return { refusal: error(404, message, { code: 'model_not_found' }) };
  }
  return { body: { ...body, model: body.model } };
}

/** The completion asked for, or OpenAI's refusal of it. */
function read(request: FakeRequest, name: string, models: string[] | undefined): Completion | FakeReply {
  const asked = modelRequest(request, models);
  if ('refusal' in asked) return asked.refusal;
  const { body } = asked;
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return error(400, "[] is too short - 'messages'", {});
  }
  if (body.stream_options != null && body.stream !== true) {
    return error(400, "The 'stream_options' parameter is only allowed when 'stream' is enabled.", {});
  }
  const messages = body.messages as Message[];
  const problem = checkMessages(messages);
  if (problem) return error(400, problem, {});

  const promptTokens = messages.reduce((sum, message) => sum + wordCount(textOf(message.content)), 0);
  // Only a closing user message asks for a tool: after the tool's answer the fake replies in text.
  const last = messages[messages.length - 1];
  const askingText = last.role === 'user' ? textOf(last.content) : '';
  const tools = Array.isArray(body.tools) ? (body.tools as Tool[]) : [];
  const toolName = chosenTool(tools, body.tool_choice);
  const stream = body.stream === true;
  const includeUsage =
    stream && (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  if (toolName && wantsTool(askingText)) {
    const pieces = toolArgumentPieces(askingText);
    return {
      model: body.model,
      stream,
      includeUsage,
      promptTokens,
      pieces,
      toolName,
      finishReason: 'tool_calls',
    };
  }
  const limited = limitPieces(replyPieces(name, body.model), body.max_completion_tokens ?? body.max_tokens);
  return {
    model: body.model,
    stream,
    includeUsage,
    promptTokens,
    pieces: limited.pieces,
    toolName: null,
    finishReason: limited.truncated ? 'length' : 'stop',
  };
}

function checkMessages(messages: Message[]): string | null {
  const answerable = new Set<unknown>();
  for (const [i, message] of messages.entries()) {
    if (!ROLES.has(message.role as string))
      return `Invalid value: '${String(message.role)}'. Supported values are: 'system', 'assistant', 'user', 'tool', 'developer'. (messages[${i}].role)`;
    if (message.role === 'tool') {
      if (!answerable.has(message.tool_call_id)) {
        return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
      }
    } else {
      answerable.clear();
    }
    if (message.role === 'assistant') for (const call of message.tool_calls ?? []) answerable.add(call.id);
  }
  return null;
}

function chosenTool(tools: Tool[], toolChoice: unknown): string | null {
  if (tools.length === 0 || toolChoice === 'none') return null;
  const forced = (toolChoice as { function?: { name?: unknown } } | undefined)?.function?.name;
  const name = typeof forced === 'string' ? forced : tools[0].function?.name;
  return typeof name === 'string' ? name : null;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: { text?: unknown }) => (typeof part.text === 'string' ? part.text : ''))
    .join(' ');
}

function completionBody(id: string, completion: Completion, behaviour: FakeBehaviour): object {
  const created = Math.floor(Date.now() / 1000);
  const message = completion.toolName
    ? {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [
          {
            id: `call_${id}`,
            type: 'function',
            function: { name: completion.toolName, arguments: completion.pieces.join('') },
          },
        ],
      }
    : { role: 'assistant', content: completion.pieces.join(''), refusal: null };
  return {
    id,
    object: 'chat.completion',
    created,
    model: completion.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: completion.finishReason }],
    ...(behaviour.omitUsage ? {} : { usage: usageOf(completion, behaviour) }),
    system_fingerprint: null,
  };
}

function streamFrames(id: string, completion: Completion, behaviour: FakeBehaviour): string[] {
  const created = Math.floor(Date.now() / 1000);
  // With include_usage, every chunk but the last carries `usage: null`, as OpenAI sends them.
  const usageField = completion.includeUsage ? { usage: null } : {};
  const frame = (delta: object, finishReason: string | null = null): string =>
    `data: ${JSON.stringify({
      id,
      object: 'chat.completion.chunk',
      created,
      model: completion.model,
      system_fingerprint: null,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...usageField,
    })}\n\n`;

  const frames: string[] = [];
  if (completion.toolName) {
    frames.push(
      frame({
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            index: 0,
            id: `call_${id}`,
            type: 'function',
            function: { name: completion.toolName, arguments: '' },
          },
        ],
      }),
    );
    for (const piece of completion.pieces)
      frames.push(frame({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
  } else {
    frames.push(frame({ role: 'assistant', content: '', refusal: null }));
    for (const piece of completion.pieces) frames.push(frame({ content: piece }));
  }
  frames.push(frame({}, completion.finishReason));
  if (completion.includeUsage && !behaviour.omitUsage) {
    frames.push(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: completion.model, system_fingerprint: null, choices: [], usage: usageOf(completion, behaviour) })}\n\n`,
    );
  }
  frames.push('data: [DONE]\n\n');
  return frames;
}

function usageOf(completion: Completion, behaviour: FakeBehaviour): object {
  const outputTokens = completion.pieces.length;
  const promptTokens = behaviour.reportPromptTokens ?? completion.promptTokens;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: outputTokens,
    total_tokens: promptTokens + outputTokens,
  };
}

function error(
  status: number,
  message: string,
  extra: { type?: string; code?: string | null; retryAfterSeconds?: number },
): FakeReply {
  return {
    kind: 'json',
    status,
    headers:
      extra.retryAfterSeconds === undefined ? undefined : { 'retry-after': String(extra.retryAfterSeconds) },
    body: {
      error: {
        message,
        type: extra.type ?? ERROR_TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
        param: null,
        code: extra.code ?? null,
      },
    },
  };
}

/** Vectors the fake returns when `dimensions` is not asked for. */
export const FAKE_EMBEDDING_DIMENSIONS = 8;

/**
 * A deterministic unit vector per input: the same text always embeds the same, different texts
 * differently. Values are float32-exact, so a base64 round trip compares equal.
 */
export function fakeEmbedding(input: string | number[], dimensions: number): number[] {
  const text = typeof input === 'string' ? input : input.join(',');
  let seed = 2166136261;
  for (let index = 0; index < text.length; index++) seed = Math.imul(seed ^ text.charCodeAt(index), 16777619);
  const raw = Array.from(
    { length: dimensions },
    (_, index) => (((seed >>> (index % 24)) & 0xff) - 127.5) / 128,
  );
  const norm = Math.sqrt(raw.reduce((sum, value) => sum + value * value, 0)) || 1;
  return raw.map((value) => Math.fround(value / norm));
}

/** OpenAI's embeddings answer, with its refusals of a bad input or of `dimensions` on a model without it. */
function embeddings(request: FakeRequest, models: string[] | undefined, behaviour: FakeBehaviour): FakeReply {
  const asked = modelRequest(request, models);
  if ('refusal' in asked) return asked.refusal;
  const { body } = asked;
  const input = body.input;
  const items: Array<string | number[]> =
    typeof input === 'string'
      ? [input]
      : Array.isArray(input) && typeof input[0] === 'number'
        ? [input as number[]]
        : Array.isArray(input)
          ? (input as Array<string | number[]>)
          : [];
  if (items.length === 0 || items.some((item) => item === '' || (Array.isArray(item) && item.length === 0))) {
    return error(
      400,
      "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
      {},
    );
  }
  if (body.dimensions !== undefined && (typeof body.dimensions !== 'number' || body.dimensions < 1)) {
    return error(400, 'Invalid value for dimensions.', {});
  }
  const dimensions = (body.dimensions as number | undefined) ?? FAKE_EMBEDDING_DIMENSIONS;
  const promptTokens = items.reduce<number>(
    (sum, item) => sum + (typeof item === 'string' ? wordCount(item) : item.length),
    0,
  );
  const reported = behaviour.reportPromptTokens ?? promptTokens;
  return {
    kind: 'json',
    status: 200,
    body: {
      object: 'list',
      data: items.map((item, index) => {
        const vector = fakeEmbedding(item, dimensions);
        return {
          object: 'embedding',
          index,
          embedding: body.encoding_format === 'base64' ? encodeFloat32(vector) : vector,
        };
      }),
      model: body.model,
      ...(behaviour.omitUsage ? {} : { usage: { prompt_tokens: reported, total_tokens: reported } }),
    },
  };
}

function encodeFloat32(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}
