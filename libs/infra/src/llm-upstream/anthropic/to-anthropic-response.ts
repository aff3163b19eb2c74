import type { ChatCompletion, FinishReason } from '../openai-wire';
import type { UpstreamUsage } from '../upstream-target';
import type {
  AnthropicResponse,
  AnthropicStopReason,
  AnthropicTextBlock,
  AnthropicToolUseBlock,
  AnthropicUsage,
} from './anthropic-wire';

/** The reverse of `finishReasonOf`; OpenAI does not say which stop sequence ended a turn, so none does. */
export function stopReasonOf(finishReason: FinishReason | string | null): AnthropicStopReason {
  switch (finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

export function anthropicUsageOf(usage: UpstreamUsage): AnthropicUsage {
  const read = usage.cacheReadTokens ?? 0;
  const written = usage.cacheWriteTokens ?? 0;
  const oneHour = usage.cacheWrite1hTokens ?? 0;
  const searches = usage.webSearchRequests ?? 0;
  return {
    input_tokens: usage.inputTokens - read - written,
    output_tokens: usage.outputTokens,
    ...(read > 0 ? { cache_read_input_tokens: read } : {}),
    ...(written > 0 ? { cache_creation_input_tokens: written } : {}),
    ...(oneHour > 0
      ? {
          cache_creation: {
            ephemeral_5m_input_tokens: written - oneHour,
            ephemeral_1h_input_tokens: oneHour,
          },
        }
      : {}),
    ...(searches > 0 ? { server_tool_use: { web_search_requests: searches } } : {}),
  };
}

/**
 * A tool call's arguments as a tool_use block's `input`, which must be an object: a model that wrote
 * something else gets it kept as text rather than lost.
 */
export function toolInputOf(args: string): Record<string, unknown> {
  if (args.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(args);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // Not JSON: kept below as it came.
  }
  return { arguments: args };
}

/** An OpenAI chat completion as an Anthropic Message of `model`, with the usage that was charged. */
export function anthropicResponseOf(
  completion: ChatCompletion,
  model: string,
  usage: UpstreamUsage,
): AnthropicResponse {
  const choice = completion.choices[0];
  const content: Array<AnthropicTextBlock | AnthropicToolUseBlock> = [];
  const text = choice?.message.content ?? '';
  if (text !== '') content.push({ type: 'text', text });
  for (const call of choice?.message.tool_calls ?? []) {
    content.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: toolInputOf(call.function.arguments),
    });
  }
  return {
    id: messageIdOf(completion.id),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReasonOf(choice?.finish_reason ?? null),
    stop_sequence: null,
    usage: anthropicUsageOf(usage),
  };
}

/** Anthropic's message ids start with `msg_`; clients may rely on it. */
export function messageIdOf(id: string): string {
  return id.startsWith('msg_') ? id : `msg_${id}`;
}
