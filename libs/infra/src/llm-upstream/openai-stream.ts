import { upstreamUsageOfOpenAi, type ChatCompletionChunk } from './openai-wire';
import type { SseEvent } from './sse-parser';
import { errorKindOfStatus, UpstreamError } from './upstream-error';
import type { UpstreamUsage } from './upstream-target';

/**
 * Reads the chunks of an OpenAI-compatible stream: stamps the target's model on each, remembers the
 * usage chunk, and turns an in-band `{error}` event (vLLM and OpenRouter send those mid-stream) into an
 * `UpstreamError`.
 */
export class OpenAiStreamTranslator {
  private done = false;
  private finished = false;
  private reported: UpstreamUsage | null = null;

  constructor(private readonly model: string) {}

  /** `[DONE]` arrived, or at least a finish_reason (some servers close without `[DONE]`). */
  get complete(): boolean {
    return this.done || this.finished;
  }

  usage(): UpstreamUsage | null {
    return this.reported;
  }

  translateSse(event: SseEvent): ChatCompletionChunk[] {
    if (event.data === '[DONE]') {
      this.done = true;
      return [];
    }
    let chunk: ChatCompletionChunk & { error?: { message?: string; code?: unknown } };
    try {
      chunk = JSON.parse(event.data) as typeof chunk;
    } catch {
      throw new UpstreamError('server_error', 'malformed chunk in the upstream stream');
    }
    if (chunk.error && !chunk.choices) {
      const status = typeof chunk.error.code === 'number' ? chunk.error.code : null;
      throw new UpstreamError(
        status === null ? 'server_error' : errorKindOfStatus(status),
        chunk.error.message ?? 'error event in the upstream stream',
      );
    }
    chunk.model = this.model;
    chunk.choices ??= [];
    if (chunk.usage) {
      this.reported = upstreamUsageOfOpenAi(chunk.usage);
    }
    for (const choice of chunk.choices) if (choice.finish_reason) this.finished = true;
    return [chunk];
  }
}
