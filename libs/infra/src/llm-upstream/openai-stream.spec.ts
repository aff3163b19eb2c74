import { OpenAiStreamTranslator } from './openai-stream';
import { UpstreamError } from './upstream-error';
import { upstreamUsageOfOpenAi } from './openai-wire';

const data = (value: unknown) => ({ event: 'message', data: JSON.stringify(value) });

describe('OpenAiStreamTranslator', () => {
  it("stamps the target's model, keeps the usage chunk and completes on [DONE]", () => {
    const translator = new OpenAiStreamTranslator('target-model');
    const [chunk] = translator.translateSse(
      data({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'upstream-name', choices: [] }),
    );
    expect(chunk.model).toBe('target-model');
    expect(translator.complete).toBe(false);
    translator.translateSse(
      data({ id: 'c1', choices: null, usage: { prompt_tokens: 4, completion_tokens: 6, total_tokens: 10 } }),
    );
    expect(translator.translateSse({ event: 'message', data: '[DONE]' })).toEqual([]);
    expect(translator.complete).toBe(true);
    expect(translator.usage()).toEqual({ inputTokens: 4, outputTokens: 6 });
  });

  it('counts a finish_reason as complete, for servers that close without [DONE]', () => {
    const translator = new OpenAiStreamTranslator('m');
    translator.translateSse(data({ id: 'c', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }));
    expect(translator.complete).toBe(true);
    expect(translator.usage()).toBeNull();
  });

  it('throws an UpstreamError for an in-band error event and for malformed JSON', () => {
    const translator = new OpenAiStreamTranslator('m');
    expect(() => translator.translateSse(data({ error: { message: 'out of memory', code: 500 } }))).toThrow(
      expect.objectContaining({ kind: 'server_error', upstreamMessage: 'out of memory' }),
    );
    expect(() => translator.translateSse({ event: 'message', data: '{"id":' })).toThrow(UpstreamError);
  });
});

describe('upstreamUsageOfOpenAi', () => {
  it('tells the cached part of the prompt apart, within the prompt', () => {
    const usage = (cached: number | null | undefined) =>
      upstreamUsageOfOpenAi({
        prompt_tokens: 2_000,
        completion_tokens: 10,
        total_tokens: 2_010,
        prompt_tokens_details: { cached_tokens: cached },
      });
    expect(usage(1_536)).toEqual({ inputTokens: 2_000, outputTokens: 10, cacheReadTokens: 1_536 });
    expect(usage(0)).toEqual({ inputTokens: 2_000, outputTokens: 10 });
    expect(usage(null)).toEqual({ inputTokens: 2_000, outputTokens: 10 });
    expect(usage(9_999)).toMatchObject({ cacheReadTokens: 2_000 });
  });
});
