import type { Micros } from '@ops/domain';
import {
  finishReasonOf,
  type AnthropicResponse,
  type AnthropicStreamEvent,
  type ChatCompletion,
  type ChatCompletionChunk,
  type FinishReason,
  type UpstreamUsage,
} from '@ops/infra/llm-upstream';
import type { ChainLink, PlannedRequest } from './gateway-request';
import type { SseWriter } from './sse-writer';

/**
 * A plain answer as the upstream gave it: OpenAI's shape from any provider, or Anthropic's own Message
 * when a Messages client reached Anthropic (nothing translated either way).
 */
export type UpstreamAnswer =
  | { wire: 'openai'; body: ChatCompletion; usage: UpstreamUsage | null }
  | { wire: 'anthropic'; body: AnthropicResponse; usage: UpstreamUsage | null };

/** One piece of a streamed answer, in the wire the upstream spoke. */
export type StreamItem =
  { wire: 'openai'; chunk: ChatCompletionChunk } | { wire: 'anthropic'; event: AnthropicStreamEvent };

/** What the ledger reads of an answer or a piece of one: the text generated, and why it ended. */
export interface Generated {
  text: string;
  finishReason: FinishReason | null;
}

export function generatedByAnswer(answer: UpstreamAnswer): Generated {
  if (answer.wire === 'openai') {
    const { choices } = answer.body;
    return {
      text: choices.map((choice) => choice.message.content ?? '').join(''),
      finishReason: choices[0]?.finish_reason ?? null,
    };
  }
  const text = answer.body.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
  return { text, finishReason: finishReasonOf(answer.body.stop_reason) };
}

/** Tool-call arguments count as generated text: the provider bills them as output. */
export function generatedByItem(item: StreamItem): Generated {
  if (item.wire === 'openai') {
    let text = '';
    let finishReason: FinishReason | null = null;
    for (const choice of item.chunk.choices) {
      text += choice.delta.content ?? '';
      for (const call of choice.delta.tool_calls ?? []) text += call.function?.arguments ?? '';
      finishReason = choice.finish_reason ?? finishReason;
    }
    return { text, finishReason };
  }
  const { event } = item;
  if (event.type === 'content_block_delta') {
    const { delta } = event;
    return {
      text: delta.type === 'text_delta' ? delta.text : (delta.partial_json ?? ''),
      finishReason: null,
    };
  }
  if (event.type === 'message_delta' && event.delta.stop_reason) {
    return { text: '', finishReason: finishReasonOf(event.delta.stop_reason) };
  }
  return { text: '', finishReason: null };
}

/** How a request ended, once it is settled: what the client is told at the end of its answer. */
export interface Settled {
  usage: UpstreamUsage;
  chargedMicros: Micros;
}

/** Where a streamed answer says what it was charged, as the `x-ops-cost-micros` header of a plain one does. */
export const COST_FIELD = 'x-ops-cost-micros';

/** The writer of one streamed answer in the client's wire. */
export interface StreamRelay {
  relay(item: StreamItem, writer: SseWriter): Promise<void>;
  /** The end of a complete answer, once it is settled and recorded. */
  end(writer: SseWriter, settled: Settled): Promise<void>;
  /** The end of a stream that could not finish: the time limit, or the upstream failing mid-way. */
  fail(
    writer: SseWriter,
    code: 'stream_time_limit' | 'upstream_stream_error',
    message: string,
  ): Promise<void>;
}

/**
 * What differs between the wire formats a client may speak to the gateway: the body of a plain answer
 * and the events of a stream. Everything else (plan, hold, fallbacks, ledger, metrics) is one pipeline.
 */
export interface ClientWire {
  answerBody(answer: UpstreamAnswer, link: ChainLink, settled: Settled): object;
  streamRelay(planned: PlannedRequest, link: ChainLink): StreamRelay;
}
