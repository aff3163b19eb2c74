import { estimatePromptTokens, estimateTextTokens } from './token-estimate';

describe('estimateTextTokens', () => {
  it('counts about three ASCII characters a token, rounding up', () => {
    expect(estimateTextTokens('')).toBe(0);
    expect(estimateTextTokens('a')).toBe(1);
    expect(estimateTextTokens('abcdef')).toBe(2);
    expect(estimateTextTokens('abcdefg')).toBe(3);
  });

  it('stays at or above what a BPE tokenizer bills for English prose (about 4 characters a token)', () => {
    const sentence = 'The quick brown fox jumps over the lazy dog while the cat watches. ';
    const text = sentence.repeat(100);
    expect(estimateTextTokens(text)).toBeGreaterThanOrEqual(Math.ceil(text.length / 4));
  });

  it('counts a whole token for every non-ASCII unit (CJK, emoji)', () => {
    expect(estimateTextTokens('日本語のテキスト')).toBe(8);
    expect(estimateTextTokens('👍')).toBe(2);
    expect(estimateTextTokens('naïve')).toBe(3);
  });
});

describe('estimatePromptTokens', () => {
  it('adds a per-message overhead and the reply priming', () => {
    expect(estimatePromptTokens([])).toBe(3);
    expect(estimatePromptTokens([{ role: 'user', content: 'abc' }])).toBe(3 + 4 + 1);
    expect(estimatePromptTokens([{ role: 'assistant', content: null }])).toBe(3 + 4);
  });

  it('counts names, tool calls and text parts, and a generous allowance per image', () => {
    const withName = estimatePromptTokens([{ role: 'user', name: 'alice', content: 'abc' }]);
    expect(withName).toBe(3 + 4 + 1 + 2);
    const toolCalls = [
      { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } },
    ];
    const withCalls = estimatePromptTokens([{ role: 'assistant', content: null, tool_calls: toolCalls }]);
    expect(withCalls).toBe(3 + 4 + Math.ceil(JSON.stringify(toolCalls).length / 3));
    const parts = [
      { type: 'text', text: 'abc' },
      { type: 'image_url', image_url: { url: 'https://example.test/a.png' } },
    ];
    expect(estimatePromptTokens([{ role: 'user', content: parts }])).toBe(3 + 4 + 1 + 1_600);
  });

  it('counts tool definitions, which providers bill as prompt', () => {
    const tool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } };
    const messages = [{ role: 'user', content: 'weather?' }];
    expect(estimatePromptTokens(messages, [tool]) - estimatePromptTokens(messages)).toBe(
      8 + Math.ceil(JSON.stringify(tool).length / 3),
    );
  });
});
