import { estimateRequestTokens, estimateTextTokens } from './token-estimate';

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

describe('estimateRequestTokens', () => {
  const ask = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }] };
  const serializedTokens = (value: unknown) => Math.ceil(JSON.stringify(value).length / 3);

  it('counts the whole serialized request, the template overhead per message and the reply priming', () => {
    expect(estimateRequestTokens(ask)).toBe(3 + 4 + serializedTokens(ask));
  });

  it('counts every forwarded field, not only messages and tools', () => {
    const schema = { type: 'object', description: 'x'.repeat(800_000) };
    const big = { ...ask, response_format: { type: 'json_schema', json_schema: { name: 'big', schema } } };
    expect(estimateRequestTokens(big) - estimateRequestTokens(ask)).toBeGreaterThan(800_000 / 3);
    const stops = { ...ask, stop: ['a'.repeat(3_000), 'b'.repeat(3_000)] };
    expect(estimateRequestTokens(stops) - estimateRequestTokens(ask)).toBeGreaterThanOrEqual(2_000);
    const choice = { ...ask, tool_choice: { type: 'function', function: { name: 'n'.repeat(300) } } };
    expect(estimateRequestTokens(choice) - estimateRequestTokens(ask)).toBeGreaterThanOrEqual(100);
  });

  it('counts tool definitions with their wrapping', () => {
    const tool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } };
    const withTool = { ...ask, tools: [tool] };
    expect(estimateRequestTokens(withTool)).toBe(3 + 4 + 8 + serializedTokens(withTool));
  });

  it('counts an image by a fixed allowance, not by the characters of its URL', () => {
    const image = (url: string) => ({
      ...ask,
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }],
    });
    const inline = estimateRequestTokens(image(`data:image/png;base64,${'A'.repeat(90_000)}`));
    expect(inline).toBe(estimateRequestTokens(image('')));
    expect(inline).toBe(3 + 4 + 1_600 + serializedTokens(image('')));
  });

  it('never counts less than the messages themselves', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(50);
    const request = { ...ask, messages: [{ role: 'user', name: 'alice', content: text }] };
    expect(estimateRequestTokens(request)).toBeGreaterThan(3 + 4 + estimateTextTokens(text) + 2);
  });
});
