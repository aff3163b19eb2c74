import { DATA_IMAGE_URL } from '@ops/domain';
import type {
  AssistantMessage,
  ChatCompletionRequest,
  FunctionTool,
  TextContentPart,
  ToolChoice,
  UserContentPart,
} from '../openai-wire';
import { unsupportedRequest } from '../upstream-error';
import type {
  AnthropicContentBlock,
  AnthropicMessage,
  AnthropicRequest,
  AnthropicCustomTool,
  AnthropicToolChoice,
} from './anthropic-wire';

export interface AnthropicRequestOptions {
  /** Anthropic requires `max_tokens`; used when the OpenAI request sets neither limit. */
  defaultMaxTokens: number;
  stream: boolean;
}

/** An OpenAI chat request as an Anthropic Messages request for `model`. */
export function toAnthropicRequest(
  request: ChatCompletionRequest,
  model: string,
  options: AnthropicRequestOptions,
): AnthropicRequest {
  if (request.n != null && request.n > 1)
    throw unsupportedRequest('n > 1 is not supported by Anthropic models');
  const system: string[] = [];
  const messages: AnthropicMessage[] = [];
  for (const message of request.messages) {
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(textOf(message.content));
        break;
      case 'user':
        append(messages, 'user', userBlocks(message.content));
        break;
      case 'assistant':
        append(messages, 'assistant', assistantBlocks(message));
        break;
      case 'tool':
        append(messages, 'user', [
          { type: 'tool_result', tool_use_id: message.tool_call_id, content: textOf(message.content) },
        ]);
        break;
      default:
        throw unsupportedRequest(`unknown message role ${(message as { role: unknown }).role}`);
    }
  }

  const translated: AnthropicRequest = {
    model,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? options.defaultMaxTokens,
    messages,
  };
  const systemText = system.filter((text) => text.length > 0).join('\n\n');
  if (systemText) translated.system = systemText;
  const stop = typeof request.stop === 'string' ? [request.stop] : (request.stop ?? []);
  if (stop.length > 0) translated.stop_sequences = stop;
  // OpenAI's temperature goes up to 2, Anthropic's to 1: a request a fallback routed here must not fail for it.
  if (request.temperature != null) translated.temperature = Math.min(request.temperature, 1);
  if (request.top_p != null) translated.top_p = request.top_p;
  if (request.tools && request.tools.length > 0) {
    translated.tools = request.tools.map(toAnthropicTool);
    const toolChoice = toAnthropicToolChoice(request.tool_choice, request.parallel_tool_calls);
    if (toolChoice) translated.tool_choice = toolChoice;
  }
  if (request.user) translated.metadata = { user_id: request.user };
  if (options.stream) translated.stream = true;
  return translated;
}

/** Anthropic wants turns to alternate, so consecutive messages of one role become one turn. */
function append(
  messages: AnthropicMessage[],
  role: 'user' | 'assistant',
  blocks: AnthropicContentBlock[],
): void {
  if (blocks.length === 0) return;
  const last = messages[messages.length - 1];
  if (last?.role === role && Array.isArray(last.content)) last.content.push(...blocks);
  else messages.push({ role, content: blocks });
}

function textOf(content: string | TextContentPart[] | null | undefined): string {
  if (content == null) return '';
  return typeof content === 'string' ? content : content.map((part) => part.text).join('\n');
}

/** Anthropic rejects empty text blocks. */
function textBlocks(content: string | TextContentPart[] | null | undefined): AnthropicContentBlock[] {
  if (content == null) return [];
  const parts = typeof content === 'string' ? [content] : content.map((part) => part.text);
  return parts.filter((text) => text.length > 0).map((text) => ({ type: 'text', text }));
}

function userBlocks(content: string | UserContentPart[]): AnthropicContentBlock[] {
  if (typeof content === 'string') return textBlocks(content);
  const blocks: AnthropicContentBlock[] = [];
  for (const part of content) {
    if (part.type === 'text') blocks.push(...textBlocks(part.text));
    else blocks.push(imageBlock(part.image_url.url));
  }
  return blocks;
}

/** The gateway vets image URLs before any call; this only keeps the translation from widening them. */
function imageBlock(url: string): AnthropicContentBlock {
  // Only the inline types Anthropic accepts; anything else is refused rather than sent as a `url` source.
  const inline = DATA_IMAGE_URL.exec(url);
  if (inline) return { type: 'image', source: { type: 'base64', media_type: inline[1], data: inline[2] } };
  if (!url.startsWith('https://'))
    throw unsupportedRequest('images must be https: or data:image/…;base64 URLs');
  return { type: 'image', source: { type: 'url', url } };
}

function assistantBlocks(message: AssistantMessage): AnthropicContentBlock[] {
  const blocks = textBlocks(message.content);
  for (const call of message.tool_calls ?? []) {
    blocks.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: toolInputOf(call.function.arguments),
    });
  }
  return blocks;
}

function toolInputOf(args: string): Record<string, unknown> {
  if (args.trim() === '') return {};
  let input: unknown;
  try {
    input = JSON.parse(args);
  } catch {
    throw unsupportedRequest('tool call arguments must be valid JSON');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw unsupportedRequest('tool call arguments must be a JSON object');
  }
  return input as Record<string, unknown>;
}

function toAnthropicTool(tool: FunctionTool): AnthropicCustomTool {
  const translated: AnthropicCustomTool = {
    name: tool.function.name,
    input_schema: tool.function.parameters ?? { type: 'object', properties: {} },
  };
  if (tool.function.description) translated.description = tool.function.description;
  return translated;
}

function toAnthropicToolChoice(
  choice: ToolChoice | undefined,
  parallelToolCalls: boolean | undefined,
): AnthropicToolChoice | undefined {
  if (choice === 'none') return { type: 'none' };
  const serial = parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined) return parallelToolCalls === false ? { type: 'auto', ...serial } : undefined;
  if (choice === 'auto') return { type: 'auto', ...serial };
  if (choice === 'required') return { type: 'any', ...serial };
  return { type: 'tool', name: choice.function.name, ...serial };
}
