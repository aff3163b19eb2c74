import { refusal } from '../local-users/testing';
import { costMicros, outputTokenBudget, worstCaseCostMicros } from './pricing';

// $0.15 in, $0.60 out per million tokens; 128k context, 16k output.
const mini = {
  inputMicrosPerMillion: 150_000n,
  outputMicrosPerMillion: 600_000n,
  contextLength: 128_000,
  maxOutputTokens: 16_384,
};

describe('costMicros', () => {
  it('prices tokens exactly at the per-million rate', () => {
    expect(costMicros(mini, 1_000_000, 0)).toBe(150_000n);
    expect(costMicros(mini, 1_000_000, 1_000_000)).toBe(750_000n);
    expect(costMicros(mini, 0, 0)).toBe(0n);
  });

  it('rounds the total up to a whole micro-USD, never down', () => {
    // 1 input token = 0.15 micros, 1 output token = 0.6 micros: 0.75 → 1.
    expect(costMicros(mini, 1, 1)).toBe(1n);
    // 10 input tokens = 1.5 micros → 2; exactly 2.0 stays 2.
    expect(costMicros(mini, 10, 0)).toBe(2n);
    expect(costMicros({ inputMicrosPerMillion: 2_000_000n, outputMicrosPerMillion: 0n }, 1, 0)).toBe(2n);
  });

  it("prices cached input at the model's cache rates, the rest at the input price", () => {
    // Claude-like: $3 in, $0.30 read from cache, $3.75 written to it, $15 out.
    const cached = {
      inputMicrosPerMillion: 3_000_000n,
      outputMicrosPerMillion: 15_000_000n,
      cacheReadMicrosPerMillion: 300_000n,
      cacheWriteMicrosPerMillion: 3_750_000n,
    };
    // 1M input of which 800k read and 100k written: 100k × 3 + 800k × 0.30 + 100k × 3.75 = 0.915 USD.
    expect(costMicros(cached, 1_000_000, 0, { readTokens: 800_000, writeTokens: 100_000 })).toBe(915_000n);
    expect(costMicros(cached, 1_000_000, 0)).toBe(3_000_000n);
    // Without cache rates, cached tokens cost what any input token does.
    expect(costMicros(mini, 1_000_000, 0, { readTokens: 500_000, writeTokens: 0 })).toBe(150_000n);
  });

  it('refuses cache counts larger than the input they are part of', () => {
    expect(refusal(() => costMicros(mini, 10, 0, { readTokens: 8, writeTokens: 3 }))).toMatchObject({
      code: 'invalid',
      field: 'input_tokens',
    });
  });

  it('stays exact beyond float precision', () => {
    const pricey = { inputMicrosPerMillion: 75_000_000n, outputMicrosPerMillion: 75_000_000n };
    expect(costMicros(pricey, Number.MAX_SAFE_INTEGER, 0)).toBe(675_539_944_105_574_325n);
  });

  it('charges nothing for a free local model', () => {
    expect(costMicros({ inputMicrosPerMillion: 0n, outputMicrosPerMillion: 0n }, 50_000, 8_000)).toBe(0n);
  });

  it.each([-1, 1.5, Number.NaN])('refuses %p tokens', (tokens) => {
    expect(refusal(() => costMicros(mini, tokens, 0)).field).toBe('input_tokens');
    expect(refusal(() => costMicros(mini, 0, tokens)).field).toBe('output_tokens');
  });
});

describe('worstCaseCostMicros', () => {
  it('reserves for max_tokens when the client sets it', () => {
    expect(outputTokenBudget(mini, 1_000, 500)).toBe(500);
    expect(worstCaseCostMicros(mini, 1_000, 500)).toBe(costMicros(mini, 1_000, 500));
  });

  it("reserves for the model's whole output limit when max_tokens is absent", () => {
    expect(outputTokenBudget(mini, 1_000, null)).toBe(16_384);
    expect(worstCaseCostMicros(mini, 1_000, null)).toBe(costMicros(mini, 1_000, 16_384));
  });

  it("caps max_tokens at the model's output limit", () => {
    expect(outputTokenBudget(mini, 1_000, 100_000)).toBe(16_384);
  });

  it('caps the output at the room the prompt leaves in the context window', () => {
    expect(outputTokenBudget(mini, 120_000, null)).toBe(8_000);
    expect(worstCaseCostMicros(mini, 120_000, 10_000)).toBe(costMicros(mini, 120_000, 8_000));
    expect(outputTokenBudget(mini, 130_000, null)).toBe(0);
  });
});
