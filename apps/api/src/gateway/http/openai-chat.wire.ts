import { openAiUsageOf, type ChatCompletionChunk } from '@ops/infra/llm-upstream';
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

/** An OpenAI client is planned without a Messages body, so the chain answers it in OpenAI's shape only. */
function openAiOnly<T extends { wire: string }>(value: T): Extract<T, { wire: 'openai' }> {
  if (value.wire !== 'openai') throw new Error(`an OpenAI client was answered in the ${value.wire} wire`);
  return value as Extract<T, { wire: 'openai' }>;
}

/**
 * Chunks as they come, the model named as the catalog does. The usage chunk is held back to the end:
 * it carries the charge once the request is settled, when the client asked for usage; otherwise the
 * charge goes in an SSE comment, which SDKs skip, just before `[DONE]`.
 */
class ChatCompletionChunks implements StreamRelay {
  private last: ChatCompletionChunk | null = null;
  private usageChunk: ChatCompletionChunk | null = null;

  constructor(
    private readonly model: string,
    private readonly wantsUsage: boolean,
  ) {}

  async relay(item: StreamItem, writer: SseWriter): Promise<void> {
    const { chunk } = openAiOnly(item);
    this.last = chunk;
    if (chunk.choices.length === 0 && chunk.usage) this.usageChunk = chunk;
    else await writer.data({ ...chunk, model: this.model });
  }

  async end(writer: SseWriter, settled: Settled): Promise<void> {
    const charged = settled.chargedMicros.toString();
    if (this.wantsUsage) {
      const base = this.usageChunk ?? this.last;
      await writer.data({
        id: base?.id ?? '',
        object: 'chat.completion.chunk',
        created: base?.created ?? Math.floor(Date.now() / 1000),
        model: this.model,
        choices: [],
        usage: this.usageChunk?.usage ?? openAiUsageOf(settled.usage),
        [COST_FIELD]: charged,
      });
    } else {
      await writer.comment(`${COST_FIELD}: ${charged}`);
    }
    await writer.done();
  }

  async fail(writer: SseWriter, code: string, message: string): Promise<void> {
    await writer.data({ error: { message, type: 'api_error', param: null, code } });
  }
}

/** OpenAI's chat completions: `/v1/chat/completions`. */
export const OPENAI_CHAT_WIRE: ClientWire = {
  answerBody: (answer: UpstreamAnswer, link: ChainLink) => ({
    ...openAiOnly(answer).body,
    model: link.model.id,
  }),
  streamRelay: (planned: PlannedRequest, link: ChainLink) =>
    new ChatCompletionChunks(link.model.id, planned.body.stream_options?.include_usage === true),
};
