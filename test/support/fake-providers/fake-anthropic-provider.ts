import {
  limitPieces,
  replyPieces,
  toolArgumentPieces,
  wantsTool,
  wordCount,
  wordPieces,
} from './deterministic-reply';
import {
  type FakeBehaviour,
  type FakeProvider,
  type FakeProviderOptions,
  type FakeReply,
  type FakeRequest,
  startFakeProvider,
} from './fake-provider';

interface Block {
  type?: unknown;
  text?: unknown;
  id?: unknown;
  tool_use_id?: unknown;
  content?: unknown;
}

interface Message {
  role?: unknown;
  content?: unknown;
}

interface Reply {
  model: string;
  stream: boolean;
  /** Input tokens after the cached prefix; the prefix's are `cache`. */
  inputTokens: number;
  cache: { read: number; written: number; oneHour: boolean };
  /** Web searches run for the request: a `web_search_*` server tool's `max_uses`, else one. */
  webSearches: number;
  text: string[];
  /** A tool_use block after the text, its input JSON streamed in pieces. */
  tool: { name: string; pieces: string[] } | null;
  stopReason: 'end_turn' | 'max_tokens' | 'tool_use';
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'overloaded_error',
  529: 'overloaded_error',
};

/**
 * Anthropic's Messages API, its `baseUrl` ending in `/v1` as `https://api.anthropic.com/v1` does:
 * `POST /v1/messages` (JSON or the SSE event sequence message_start … message_stop, text and tool_use
 * blocks), `GET /v1/models`, `x-api-key` and `anthropic-version` required, errors as
 * `{type: "error", error: {type, message}}`. A system prompt with a `cache_control` block is a cached
 * prefix: written to the cache (`cache_creation_input_tokens`, split by `ttl` in `cache_creation`) the
 * first time, read from it (`cache_read_input_tokens`) after, as Anthropic reports them. A web search
 * server tool is counted in `server_tool_use.web_search_requests`.
 */
export function startFakeAnthropicProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const name = options.name ?? 'fake-anthropic';
  const models = options.models ?? [`${name}-model`];
  let sequence = 0;
  const cachedPrefixes = new Set<string>();

  const reply = (request: FakeRequest, behaviour: FakeBehaviour): FakeReply => {
    const denied = checkHeaders(request);
    if (denied) return denied;
    if (request.method === 'GET' && request.path === '/v1/models') {
      const data = models.map((id) => ({
        type: 'model',
        id,
        display_name: id,
        created_at: '2025-01-01T00:00:00Z',
      }));
      return {
        kind: 'json',
        status: 200,
        body: {
          data,
          has_more: false,
          first_id: models[0] ?? null,
          last_id: models[models.length - 1] ?? null,
        },
      };
    }
    if (request.method !== 'POST' || request.path !== '/v1/messages') return error(404, 'Not found');
    if (behaviour.status && behaviour.status >= 400) {
      return error(behaviour.status, behaviour.errorMessage ?? `${name} failed on purpose`, {
        type: behaviour.errorType,
        retryAfterSeconds: behaviour.status === 429 ? (behaviour.retryAfterSeconds ?? 1) : undefined,
      });
    }
    const parsed = read(request, name, options.models, cachedPrefixes);
    if ('kind' in parsed) return parsed;
    if (behaviour.reportPromptTokens !== undefined) parsed.inputTokens = behaviour.reportPromptTokens;
    const id = `msg_${name}_${++sequence}`;
    return parsed.stream
      ? { kind: 'sse', frames: streamFrames(id, parsed, behaviour) }
      : { kind: 'json', status: 200, body: messageBody(id, parsed, behaviour) };
  };

  return startFakeProvider(
    { basePath: '/v1', isCompletion: (request) => request.path === '/v1/messages', reply },
    options,
  );
}

function checkHeaders(request: FakeRequest): FakeReply | null {
  if (request.keys !== null) {
    const key = request.headers['x-api-key'];
    if (!key) return error(401, 'x-api-key header is required');
    if (!request.keys.has(String(key))) return error(401, 'invalid x-api-key');
  }
  if (!request.headers['anthropic-version']) return error(400, 'anthropic-version: header is required');
  return null;
}

/** The reply asked for, or Anthropic's refusal of the request. */
function read(
  request: FakeRequest,
  name: string,
  models: string[] | undefined,
  cachedPrefixes: Set<string>,
): Reply | FakeReply {
  if (request.malformed || typeof request.body !== 'object' || request.body === null) {
    return error(400, 'There was an issue with your request body: not valid JSON');
  }
  const body = request.body as Record<string, unknown>;
  if (typeof body.model !== 'string' || body.model === '') return error(400, 'model: Field required');
  if (models && !models.includes(body.model)) return error(404, `model: ${body.model}`);
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1) {
    return error(400, 'max_tokens: Field required');
  }
  if (typeof body.temperature === 'number' && (body.temperature < 0 || body.temperature > 1)) {
    return error(400, 'temperature: Input should be less than or equal to 1');
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return error(400, 'messages: Field required');
  const messages = body.messages as Message[];
  const problem = checkMessages(messages);
  if (problem) return error(400, problem);

  const system = textOf(body.system);
  let inputTokens = wordCount(system);
  for (const message of messages) inputTokens += wordCount(textOf(message.content));
  const systemBlocks = Array.isArray(body.system)
    ? (body.system as Array<{ cache_control?: { ttl?: unknown } }>)
    : [];
  const cacheable = systemBlocks.some((block) => block.cache_control);
  const oneHour = systemBlocks.some((block) => block.cache_control?.ttl === '1h');
  const prefixTokens = cacheable ? wordCount(system) : 0;
  const cache = { read: 0, written: 0, oneHour };
  if (cacheable && cachedPrefixes.has(system)) cache.read = prefixTokens;
  else if (cacheable) cache.written = prefixTokens;
  if (cacheable) cachedPrefixes.add(system);
  inputTokens -= prefixTokens;
  const lastUserText = askingText(messages[messages.length - 1]);
  const stream = body.stream === true;
  const tools = Array.isArray(body.tools)
    ? (body.tools as Array<{ type?: unknown; max_uses?: unknown }>)
    : [];
  const isServerTool = (tool: { type?: unknown }) =>
    typeof tool.type === 'string' && tool.type.startsWith('web_search');
  const search = tools.find(isServerTool);
  const webSearches = search ? (typeof search.max_uses === 'number' ? search.max_uses : 1) : 0;
  const toolName = chosenTool(
    tools.filter((tool) => !isServerTool(tool)),
    body.tool_choice,
  );
  if (toolName && wantsTool(lastUserText)) {
    return {
      model: body.model,
      stream,
      inputTokens,
      cache,
      webSearches,
      text: wordPieces(`Let me use ${toolName}.`),
      tool: { name: toolName, pieces: toolArgumentPieces(lastUserText) },
      stopReason: 'tool_use',
    };
  }
  const limited = limitPieces(replyPieces(name, body.model), body.max_tokens);
  return {
    model: body.model,
    stream,
    inputTokens,
    cache,
    webSearches,
    text: limited.pieces,
    tool: null,
    stopReason: limited.truncated ? 'max_tokens' : 'end_turn',
  };
}

/** The rules the Messages API enforces that a translation from OpenAI could break. */
function checkMessages(messages: Message[]): string | null {
  let pendingToolUses: unknown[] = [];
  for (const [i, message] of messages.entries()) {
    if (message.role !== 'user' && message.role !== 'assistant') {
      return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    }
    const blocks: Block[] =
      typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : [];
    if (Array.isArray(message.content)) blocks.push(...(message.content as Block[]));
    if (blocks.length === 0) return `messages.${i}: all messages must have non-empty content`;
    for (const block of blocks) {
      if (block.type === 'text' && (typeof block.text !== 'string' || block.text === '')) {
        return 'messages: text content blocks must be non-empty';
      }
    }
    const results = blocks.filter((block) => block.type === 'tool_result').map((block) => block.tool_use_id);
    const unexpected = results.filter((id) => !pendingToolUses.includes(id));
    if (unexpected.length > 0) {
      return `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unexpected.join(', ')}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
    }
    const unanswered = pendingToolUses.filter((id) => !results.includes(id));
    if (unanswered.length > 0) {
      return `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${unanswered.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    }
    pendingToolUses =
      message.role === 'assistant' ? blocks.filter((b) => b.type === 'tool_use').map((b) => b.id) : [];
  }
  return null;
}

function chosenTool(tools: unknown[], toolChoice: unknown): string | null {
  if (tools.length === 0) return null;
  const choice = toolChoice as { type?: unknown; name?: unknown } | undefined;
  if (choice?.type === 'none') return null;
  const name = choice?.type === 'tool' ? choice.name : (tools[0] as { name?: unknown }).name;
  return typeof name === 'string' ? name : null;
}

/** The text of a closing user turn that asks something; a turn answering tool calls asks nothing. */
function askingText(last: Message): string {
  if (last.role !== 'user') return '';
  if (typeof last.content === 'string') return last.content;
  const blocks = last.content as Block[];
  if (blocks.some((block) => block.type === 'tool_result')) return '';
  return textOf(blocks);
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as Block[])
    .map((block) => (typeof block.text === 'string' ? block.text : textOf(block.content)))
    .join(' ');
}

function messageBody(id: string, reply: Reply, behaviour: FakeBehaviour): object {
  const content: object[] = [];
  if (reply.text.length > 0) content.push({ type: 'text', text: reply.text.join('') });
  if (reply.tool) {
    content.push({
      type: 'tool_use',
      id: `toolu_${id}`,
      name: reply.tool.name,
      input: JSON.parse(reply.tool.pieces.join('')),
    });
  }
  return {
    id,
    type: 'message',
    role: 'assistant',
    model: reply.model,
    content,
    stop_reason: reply.stopReason,
    stop_sequence: null,
    ...(behaviour.omitUsage ? {} : { usage: usageOf(reply) }),
  };
}

function streamFrames(id: string, reply: Reply, behaviour: FakeBehaviour): string[] {
  const frames: string[] = [];
  const event = (data: { type: string; [field: string]: unknown }): void => {
    frames.push(`event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  event({
    type: 'message_start',
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model: reply.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      ...(behaviour.omitUsage ? {} : { usage: { ...inputUsageOf(reply), output_tokens: 1 } }),
    },
  });
  let index = 0;
  if (reply.text.length > 0) {
    event({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
    event({ type: 'ping' });
    for (const text of reply.text) {
      event({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
    }
    event({ type: 'content_block_stop', index });
    index++;
  }
  if (reply.tool) {
    const block = { type: 'tool_use', id: `toolu_${id}`, name: reply.tool.name, input: {} };
    event({ type: 'content_block_start', index, content_block: block });
    event({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } });
    for (const partial_json of reply.tool.pieces) {
      event({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } });
    }
    event({ type: 'content_block_stop', index });
  }
  event({
    type: 'message_delta',
    delta: { stop_reason: reply.stopReason, stop_sequence: null },
    ...(behaviour.omitUsage
      ? {}
      : { usage: { output_tokens: outputTokensOf(reply), ...serverToolUseOf(reply) } }),
  });
  event({ type: 'message_stop' });
  return frames;
}

function outputTokensOf(reply: Reply): number {
  return reply.text.length + (reply.tool?.pieces.length ?? 0);
}

function inputUsageOf(reply: Reply): object {
  const { written, read, oneHour } = reply.cache;
  return {
    input_tokens: reply.inputTokens,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: read,
    cache_creation: {
      ephemeral_5m_input_tokens: oneHour ? 0 : written,
      ephemeral_1h_input_tokens: oneHour ? written : 0,
    },
  };
}

function serverToolUseOf(reply: Reply): object {
  return reply.webSearches > 0 ? { server_tool_use: { web_search_requests: reply.webSearches } } : {};
}

function usageOf(reply: Reply): object {
  return { ...inputUsageOf(reply), output_tokens: outputTokensOf(reply), ...serverToolUseOf(reply) };
}

function error(
  status: number,
  message: string,
  extra: { type?: string; retryAfterSeconds?: number } = {},
): FakeReply {
  return {
    kind: 'json',
    status,
    headers: {
      'request-id': `req_fake_${status}`,
      ...(extra.retryAfterSeconds === undefined ? {} : { 'retry-after': String(extra.retryAfterSeconds) }),
    },
    body: {
      type: 'error',
      error: {
        type: extra.type ?? ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'),
        message,
      },
    },
  };
}
