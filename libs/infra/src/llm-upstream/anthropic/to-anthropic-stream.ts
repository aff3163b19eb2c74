import type { ChatCompletionChunk, FinishReason } from '../openai-wire';
import type { UpstreamUsage } from '../upstream-target';
import type { AnthropicStreamEvent } from './anthropic-wire';
import { anthropicUsageOf, messageIdOf, stopReasonOf } from './to-anthropic-response';

type OpenBlock = { index: number; toolCall: number | null };

/**
 * Writes an OpenAI chunk stream as the event sequence of a streamed Anthropic Message: `message_start`
 * and a `ping`, then one content block per run of text and per tool call (`content_block_start`, its
 * `text_delta`s or `input_json_delta`s, `content_block_stop`), and at the end `message_delta` with the
 * stop reason and the usage, then `message_stop`. The end waits for the caller, who knows the usage
 * only once the request is settled.
 */
export class AnthropicEventsOfChunks {
  private open: OpenBlock | null = null;
  private blocks = 0;
  private finishReason: FinishReason | null = null;

  constructor(
    private readonly id: string,
    private readonly model: string,
  ) {}

  start(): AnthropicStreamEvent[] {
    return [
      {
        type: 'message_start',
        message: {
          id: messageIdOf(this.id),
          type: 'message',
          role: 'assistant',
          model: this.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          // Known once the answer ends; `message_delta` carries it then, as Anthropic's own does.
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      },
      { type: 'ping' },
    ];
  }

  translate(chunk: ChatCompletionChunk): AnthropicStreamEvent[] {
    const events: AnthropicStreamEvent[] = [];
    for (const choice of chunk.choices) {
      const { content, tool_calls: toolCalls } = choice.delta;
      if (content) {
        if (this.open?.toolCall !== null) this.startBlock(events, null, { type: 'text', text: '' });
        events.push({
          type: 'content_block_delta',
          index: this.open!.index,
          delta: { type: 'text_delta', text: content },
        });
      }
      for (const call of toolCalls ?? []) {
        if (this.open?.toolCall !== call.index) {
          this.startBlock(events, call.index, {
            type: 'tool_use',
            id: call.id ?? `toolu_${this.id}_${call.index}`,
            name: call.function?.name ?? '',
            input: {},
          });
        }
        const partial = call.function?.arguments;
        if (partial) {
          events.push({
            type: 'content_block_delta',
            index: this.open!.index,
            delta: { type: 'input_json_delta', partial_json: partial },
          });
        }
      }
      this.finishReason = choice.finish_reason ?? this.finishReason;
    }
    return events;
  }

  /** The closing events, with the usage the request was charged for and any fields of the caller's. */
  end(usage: UpstreamUsage, extra: Record<string, string> = {}): AnthropicStreamEvent[] {
    const events: AnthropicStreamEvent[] = [];
    this.stopBlock(events);
    events.push(
      {
        type: 'message_delta',
        delta: { stop_reason: stopReasonOf(this.finishReason), stop_sequence: null },
        usage: anthropicUsageOf(usage),
        ...extra,
      },
      { type: 'message_stop' },
    );
    return events;
  }

  private startBlock(
    events: AnthropicStreamEvent[],
    toolCall: number | null,
    block: Extract<AnthropicStreamEvent, { type: 'content_block_start' }>['content_block'],
  ): void {
    this.stopBlock(events);
    this.open = { index: this.blocks++, toolCall };
    events.push({ type: 'content_block_start', index: this.open.index, content_block: block });
  }

  private stopBlock(events: AnthropicStreamEvent[]): void {
    if (this.open) events.push({ type: 'content_block_stop', index: this.open.index });
    this.open = null;
  }
}
