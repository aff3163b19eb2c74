import type {
  ChatCompletionRequest,
  ChatMessage,
  FunctionTool,
  TextContentPart,
  ToolCall,
  ToolChoice,
  UserContentPart,
} from '../openai-wire';
import type {
  AnthropicContentBlock,
  AnthropicImageBlock,
  AnthropicRequest,
  AnthropicTextBlock,
  AnthropicTool,
  AnthropicToolChoice,
} from './anthropic-wire';

/**
 * A Messages request (as Claude Code and the Anthropic SDKs send it) as the OpenAI chat request the
 * gateway plans with and sends to OpenAI-wire providers. What OpenAI has no place for is left out:
 * replayed thinking, cache breakpoints, `top_k`, the thinking budget. A turn's tool results become
 * `tool` messages ahead of the rest of that turn, since OpenAI wants them right after the call; an
 * image inside a tool result follows them as a user image, OpenAI's tool messages carrying text only.
 */
export function openAiRequestOf(request: AnthropicRequest): ChatCompletionRequest {
  const messages: ChatMessage[] = [];
  const system = systemTextOf(request.system);
  if (system) messages.push({ role: 'system', content: system });
  for (const message of request.messages) {
    const blocks: AnthropicContentBlock[] =
      typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    if (message.role === 'assistant') messages.push(assistantMessageOf(blocks));
    else messages.push(...userMessagesOf(blocks));
  }
  const translated: ChatCompletionRequest = {
    model: request.model,
    messages,
    max_tokens: request.max_tokens,
  };
  if (request.stream) translated.stream = true;
  if (request.stop_sequences && request.stop_sequences.length > 0) translated.stop = request.stop_sequences;
  if (request.temperature !== undefined) translated.temperature = request.temperature;
  if (request.top_p !== undefined) translated.top_p = request.top_p;
  if (request.metadata?.user_id) translated.user = request.metadata.user_id;
  if (request.tools && request.tools.length > 0) {
    translated.tools = request.tools.map(functionToolOf);
    if (request.tool_choice) {
      translated.tool_choice = toolChoiceOf(request.tool_choice);
      if (
        'disable_parallel_tool_use' in request.tool_choice &&
        request.tool_choice.disable_parallel_tool_use
      ) {
        translated.parallel_tool_calls = false;
      }
    }
  }
  return translated;
}

/** What an Anthropic link is sent that the OpenAI form has no place for: replayed thinking. */
export function untranslatedTextOf(request: AnthropicRequest): string {
  let text = '';
  for (const message of request.messages) {
    if (typeof message.content === 'string') continue;
    for (const block of message.content) {
      if (block.type === 'thinking') text += block.thinking + block.signature;
      else if (block.type === 'redacted_thinking') text += block.data;
    }
  }
  return text;
}

export function systemTextOf(system: AnthropicRequest['system']): string {
  if (system === undefined) return '';
  return typeof system === 'string' ? system : system.map((block) => block.text).join('\n\n');
}

function assistantMessageOf(blocks: AnthropicContentBlock[]): ChatMessage {
  const text = blocks
    .filter((block): block is AnthropicTextBlock => block.type === 'text')
    .map((block) => block.text)
    .join('');
  const calls: ToolCall[] = blocks
    .filter((block) => block.type === 'tool_use')
    .map((block) => ({
      id: block.id,
      type: 'function',
      function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
    }));
  return {
    role: 'assistant',
    content: text === '' && calls.length > 0 ? null : text,
    ...(calls.length > 0 ? { tool_calls: calls } : {}),
  };
}

function userMessagesOf(blocks: AnthropicContentBlock[]): ChatMessage[] {
  const results: ChatMessage[] = [];
  const parts: UserContentPart[] = [];
  for (const block of blocks) {
    if (block.type === 'tool_result') {
      const content = typeof block.content === 'string' ? [textPart(block.content)] : (block.content ?? []);
      const text = content
        .filter((part) => part.type === 'text')
        .map((part) => part.text)
        .join('\n');
      results.push({ role: 'tool', tool_call_id: block.tool_use_id, content: text });
      for (const part of content) if (part.type === 'image') parts.push(imagePartOf(part));
    } else if (block.type === 'text') {
      parts.push(textPart(block.text));
    } else if (block.type === 'image') {
      parts.push(imagePartOf(block));
    }
  }
  if (parts.length === 0) return results;
  const onlyText = parts.every((part) => part.type === 'text');
  const content = onlyText ? parts.map((part) => (part as TextContentPart).text).join('\n') : parts;
  return [...results, { role: 'user', content }];
}

function textPart(text: string): TextContentPart {
  return { type: 'text', text };
}

/** An image as the data or https URL OpenAI reads; the gateway vets either before any call. */
export function imageUrlOf(block: AnthropicImageBlock): string {
  const { source } = block;
  return source.type === 'base64' ? `data:${source.media_type};base64,${source.data}` : source.url;
}

function imagePartOf(block: AnthropicImageBlock): UserContentPart {
  return { type: 'image_url', image_url: { url: imageUrlOf(block) } };
}

function functionToolOf(tool: AnthropicTool): FunctionTool {
  return {
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.input_schema,
    },
  };
}

function toolChoiceOf(choice: AnthropicToolChoice): ToolChoice {
  switch (choice.type) {
    case 'none':
      return 'none';
    case 'any':
      return 'required';
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
    default:
      return 'auto';
  }
}
