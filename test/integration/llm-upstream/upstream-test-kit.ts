import type { ChatCompletionChunk } from '../../../libs/infra/src/llm-upstream/openai-wire';
import type { UpstreamStream } from '../../../libs/infra/src/llm-upstream/upstream-target';
import type { FakeProvider, RecordedRequest } from '../../support/fake-providers';

export async function collect(stream: UpstreamStream): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream.chunks) chunks.push(chunk);
  return chunks;
}

export function textOf(chunks: ChatCompletionChunk[]): string {
  return chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
}

/** The tool calls a client rebuilds from streamed deltas, as OpenAI SDKs do. */
export function toolCallsOf(
  chunks: ChatCompletionChunk[],
): Array<{ id: string; name: string; arguments: string }> {
  const calls: Array<{ id: string; name: string; arguments: string }> = [];
  for (const chunk of chunks) {
    for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
      calls[delta.index] ??= { id: '', name: '', arguments: '' };
      if (delta.id) calls[delta.index].id = delta.id;
      if (delta.function?.name) calls[delta.index].name = delta.function.name;
      calls[delta.index].arguments += delta.function?.arguments ?? '';
    }
  }
  return calls;
}

export async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** The fake learns that the client went away a moment after the client does. */
export async function outcomeOf(fake: FakeProvider, index: number): Promise<RecordedRequest['outcome']> {
  for (let waited = 0; waited < 2000 && fake.requests[index]?.outcome === 'pending'; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return fake.requests[index].outcome;
}
