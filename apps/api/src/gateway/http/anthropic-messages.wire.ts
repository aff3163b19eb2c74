import {
  AnthropicEventsOfChunks,
  anthropicResponseOf,
  anthropicUsageOf,
  type AnthropicStreamEvent,
} from '@ops/infra/llm-upstream';
import {
  COST_FIELD,
  type ClientWire,
  type Settled,
  type StreamItem,
  type StreamRelay,
  type UpstreamAnswer,
} from '../completion/client-wire';
import type { ChainLink, PlannedRequest } from '../completion/gateway-request';
import type { SseWriter } from '../completion/sse-writer';

type MessageDelta = Extract<AnthropicStreamEvent, { type: 'message_delta' }>;

/** Anthropic's error type for each way a stream can fail after it began. */
const STREAM_ERROR_TYPES: Record<string, string> = {
  stream_time_limit: 'timeout_error',
  upstream_stream_error: 'api_error',
};

/**
 * A streamed Message. From Anthropic it passes event by event; from an OpenAI-wire provider it is
 * written by AnthropicEventsOfChunks. Either way `message_delta` and `message_stop` wait for the
 * settlement, so `message_delta` can carry the charge beside its usage.
 */
class MessageEvents implements StreamRelay {
  private readonly translated: AnthropicEventsOfChunks;
  private started = false;
  private heldDelta: MessageDelta | null = null;

  constructor(id: string, model: string) {
    this.translated = new AnthropicEventsOfChunks(id, model);
  }

  async relay(item: StreamItem, writer: SseWriter): Promise<void> {
    if (item.wire === 'openai') {
      await this.start(writer);
      await write(writer, this.translated.translate(item.chunk));
      return;
    }
    const { event } = item;
    this.started ||= event.type === 'message_start';
    if (event.type === 'message_delta') this.heldDelta = event;
    else if (event.type !== 'message_stop') await write(writer, [event]);
  }

  async end(writer: SseWriter, settled: Settled): Promise<void> {
    const charged = { [COST_FIELD]: settled.chargedMicros.toString() };
    if (this.heldDelta) {
      await write(writer, [
        { ...this.heldDelta, usage: this.heldDelta.usage ?? anthropicUsageOf(settled.usage), ...charged },
        { type: 'message_stop' },
      ]);
      return;
    }
    await this.start(writer);
    await write(writer, this.translated.end(settled.usage, charged));
  }

  async fail(writer: SseWriter, code: string, message: string): Promise<void> {
    await writer.event('error', { type: 'error', error: { type: STREAM_ERROR_TYPES[code], message } });
  }

  private async start(writer: SseWriter): Promise<void> {
    if (this.started) return;
    this.started = true;
    await write(writer, this.translated.start());
  }
}

async function write(writer: SseWriter, events: readonly AnthropicStreamEvent[]): Promise<void> {
  for (const event of events) await writer.event(event.type, event);
}

/** Anthropic's Messages API: `/v1/messages`, as Claude Code and the Anthropic SDKs call it. */
export const ANTHROPIC_MESSAGES_WIRE: ClientWire = {
  answerBody: (answer: UpstreamAnswer, link: ChainLink, settled: Settled) =>
    answer.wire === 'anthropic'
      ? answer.body
      : anthropicResponseOf(answer.body, link.model.id, settled.usage),
  streamRelay: (planned: PlannedRequest, link: ChainLink) =>
    new MessageEvents(planned.requestId, link.model.id),
};
