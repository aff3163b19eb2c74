import { OpenAiStreamTranslator } from './openai-stream';
import { UpstreamError } from './upstream-error';

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
