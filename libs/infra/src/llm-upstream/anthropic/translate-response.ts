import type { ChatCompletion, CompletionUsage, FinishReason, ToolCall } from '../openai-wire';
import type { UpstreamUsage } from '../upstream-target';
import type { AnthropicResponse, AnthropicStopReason, AnthropicUsage } from './anthropic-wire';

/** An Anthropic Message as an OpenAI chat completion; `created` is the caller's clock, in Unix seconds. */
export function fromAnthropicResponse(
  response: AnthropicResponse,
  model: string,
  created: number,
): ChatCompletion {
  let text: string | null = null;
  const toolCalls: ToolCall[] = [];
  for (const block of response.content) {
    if (block.type === 'text') text = (text ?? '') + block.text;
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  const completion: ChatCompletion = {
    id: response.id,
    object: 'chat.completion',
    created,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: finishReasonOf(response.stop_reason),
        logprobs: null,
      },
    ],
  };
  if (response.usage) completion.usage = openAiUsageOf(upstreamUsageOf(response.usage));
  return completion;
}

export function finishReasonOf(stopReason: AnthropicStopReason): FinishReason | null {
  switch (stopReason) {
    case null:
      return null;
    case 'max_tokens':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      // end_turn, stop_sequence, pause_turn and reasons added later all mean the turn ended normally.
      return 'stop';
  }
}

/**
 * Anthropic counts cached prompt tokens apart from `input_tokens`; they were still sent to the model, so
 * they count as input here, and are told apart so they are priced at the cache rates.
 */
export function upstreamUsageOf(usage: Partial<AnthropicUsage>): UpstreamUsage {
  const read = usage.cache_read_input_tokens ?? 0;
  const written = usage.cache_creation_input_tokens ?? 0;
  // Never more than the writes reported: a larger split would price tokens that were not sent.
  const oneHour = Math.min(usage.cache_creation?.ephemeral_1h_input_tokens ?? 0, written);
  const searches = usage.server_tool_use?.web_search_requests ?? 0;
  return {
    inputTokens: (usage.input_tokens ?? 0) + written + read,
    outputTokens: usage.output_tokens ?? 0,
    ...(read > 0 ? { cacheReadTokens: read } : {}),
    ...(written > 0 ? { cacheWriteTokens: written } : {}),
    ...(oneHour > 0 ? { cacheWrite1hTokens: oneHour } : {}),
    ...(searches > 0 ? { webSearchRequests: searches } : {}),
  };
}

/** OpenAI's usage has no place for cache writes: they stay in `prompt_tokens`, reads are `cached_tokens`. */
export function openAiUsageOf(usage: UpstreamUsage): CompletionUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    ...(usage.cacheReadTokens ? { prompt_tokens_details: { cached_tokens: usage.cacheReadTokens } } : {}),
  };
}
