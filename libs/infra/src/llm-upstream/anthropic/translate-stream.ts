import type { ChatCompletionChunk, FinishReason } from '../openai-wire';
import type { SseEvent } from '../sse-parser';
import { UpstreamError, type UpstreamErrorKind } from '../upstream-error';
import type { UpstreamUsage } from '../upstream-target';
import type { AnthropicStreamEvent, AnthropicUsage } from './anthropic-wire';
import { finishReasonOf, openAiUsageOf, upstreamUsageOf } from './translate-response';

type Delta = ChatCompletionChunk['choices'][number]['delta'];

const USAGE_FIELDS = [
  'input_tokens',
  'output_tokens',
  'cache_creation_input_tokens',
  'cache_read_input_tokens',
] as const;

/**
 * Turns the events of one streamed Anthropic Message into OpenAI chunks, in order. Deterministic: the
 * clock (`created`) comes from the caller. Text deltas become `content`, each tool_use block one entry of
 * `tool_calls` (numbered in order of appearance) whose `input_json_delta`s stream as `arguments`; the stop
 * reason becomes the `finish_reason` chunk and, at `message_stop`, the usage a chunk with empty `choices`.
 */
export class AnthropicStreamTranslator {
  private id = '';
  private usageSoFar: Partial<AnthropicUsage> | null = null;
  private readonly toolCallIndexOfBlock = new Map<number, number>();
  private finishReason: FinishReason | null = null;
  private stopped = false;

  constructor(
    private readonly model: string,
    private readonly created: number,
  ) {}

  /** Whether the upstream finished the message (a stream cut before this was truncated). */
  get complete(): boolean {
    return this.stopped || this.finishReason !== null;
  }

  usage(): UpstreamUsage | null {
    return this.usageSoFar ? upstreamUsageOf(this.usageSoFar) : null;
  }

  translateSse(event: SseEvent): ChatCompletionChunk[] {
    return this.translate(parsedEvent(event));
  }

  /** Throws an `UpstreamError` for an `error` event (e.g. `overloaded_error` mid-stream). */
  translate(event: AnthropicStreamEvent): ChatCompletionChunk[] {
    switch (event.type) {
      case 'message_start':
        this.id = event.message.id;
        if (event.message.usage) this.addUsage(event.message.usage);
        return [this.chunk({ role: 'assistant', content: '' })];
      case 'content_block_start':
        return this.blockStart(event.index, event.content_block);
      case 'content_block_delta':
        return this.blockDelta(event.index, event.delta);
      case 'message_delta':
        if (event.usage) this.addUsage(event.usage);
        if (event.delta.stop_reason == null) return [];
        this.finishReason = finishReasonOf(event.delta.stop_reason);
        return [this.chunk({}, this.finishReason)];
      case 'message_stop': {
        this.stopped = true;
        const usage = this.usage();
        return usage ? [{ ...this.chunkBase(), choices: [], usage: openAiUsageOf(usage) }] : [];
      }
      case 'error':
        throw new UpstreamError(errorKindOfAnthropicType(event.error.type), event.error.message);
      default:
        // ping, content_block_stop and event types this gateway does not translate.
        return [];
    }
  }

  private blockStart(
    index: number,
    block: Extract<AnthropicStreamEvent, { type: 'content_block_start' }>['content_block'],
  ): ChatCompletionChunk[] {
    if (block.type === 'text') return block.text ? [this.chunk({ content: block.text })] : [];
    if (block.type !== 'tool_use') return [];
    const toolCallIndex = this.toolCallIndexOfBlock.size;
    this.toolCallIndexOfBlock.set(index, toolCallIndex);
    return [
      this.chunk({
        tool_calls: [
          {
            index: toolCallIndex,
            id: block.id,
            type: 'function',
            function: { name: block.name, arguments: '' },
          },
        ],
      }),
    ];
  }

  private blockDelta(
    index: number,
    delta: Extract<AnthropicStreamEvent, { type: 'content_block_delta' }>['delta'],
  ): ChatCompletionChunk[] {
    if (delta.type === 'text_delta') return delta.text ? [this.chunk({ content: delta.text })] : [];
    if (delta.type !== 'input_json_delta' || !delta.partial_json) return [];
    const toolCallIndex = this.toolCallIndexOfBlock.get(index);
    if (toolCallIndex === undefined) return [];
    return [
      this.chunk({ tool_calls: [{ index: toolCallIndex, function: { arguments: delta.partial_json } }] }),
    ];
  }

  /** `message_delta` repeats usage cumulatively and may omit or null fields `message_start` had. */
  private addUsage(usage: Partial<AnthropicUsage>): void {
    const merged: Partial<AnthropicUsage> = { ...this.usageSoFar };
    for (const field of USAGE_FIELDS) {
      const value = usage[field];
      if (typeof value === 'number') merged[field] = value;
    }
    // Anthropic repeats these in message_delta as running totals: the last report wins.
    if (usage.cache_creation) merged.cache_creation = usage.cache_creation;
    if (usage.server_tool_use) merged.server_tool_use = usage.server_tool_use;
    this.usageSoFar = merged;
  }

  private chunk(delta: Delta, finishReason: FinishReason | null = null): ChatCompletionChunk {
    return { ...this.chunkBase(), choices: [{ index: 0, delta, finish_reason: finishReason }] };
  }

  private chunkBase(): Omit<ChatCompletionChunk, 'choices'> {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model };
  }
}

export function errorKindOfAnthropicType(type: string): UpstreamErrorKind {
  switch (type) {
    case 'rate_limit_error':
      return 'rate_limited';
    case 'authentication_error':
    case 'permission_error':
      return 'auth';
    case 'timeout_error':
      return 'timeout';
    case 'invalid_request_error':
    case 'not_found_error':
    case 'request_too_large':
      return 'bad_request';
    default:
      // api_error, overloaded_error and anything new: the upstream's fault, worth another provider.
      return 'server_error';
  }
}

/**
 * Reads a streamed Anthropic Message for a client that speaks Anthropic too: each event passes as it
 * came, while the same bookkeeping as the translation (usage, whether the message finished, `error`
 * events as an `UpstreamError`) runs beside it.
 */
export class AnthropicEventReader {
  private readonly tracker = new AnthropicStreamTranslator('', 0);

  get complete(): boolean {
    return this.tracker.complete;
  }

  usage(): UpstreamUsage | null {
    return this.tracker.usage();
  }

  translateSse(event: SseEvent): AnthropicStreamEvent[] {
    const parsed = parsedEvent(event);
    this.tracker.translate(parsed);
    return [parsed];
  }
}

function parsedEvent(event: SseEvent): AnthropicStreamEvent {
  try {
    return JSON.parse(event.data) as AnthropicStreamEvent;
  } catch {
    throw new UpstreamError('server_error', `malformed ${event.event} event in the upstream stream`);
  }
}
