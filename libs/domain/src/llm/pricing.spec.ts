import { refusal } from '../local-users/testing';
import {
  costMicros,
  draftModel,
  promptCachingOf,
  LONG_CONTEXT_THRESHOLD_TOKENS,
  outputTokenBudget,
  worstCaseCostMicros,
} from './pricing';

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

// Claude-like: $3 in, $0.30 read from cache, $3.75 written to it (five minutes), $15 out.
const claude = {
  inputMicrosPerMillion: 3_000_000n,
  outputMicrosPerMillion: 15_000_000n,
  cacheReadMicrosPerMillion: 300_000n,
  cacheWriteMicrosPerMillion: 3_750_000n,
  contextLength: 1_000_000,
  maxOutputTokens: 64_000,
};

describe('one-hour cache writes', () => {
  it('prices one-hour writes at twice the input price, five-minute ones at the write rate', () => {
    // 1M written, 400k of them for an hour: 600k × 3.75 + 400k × 6 = 4.65 USD.
    const cache = { readTokens: 0, writeTokens: 1_000_000, oneHourWriteTokens: 400_000 };
    expect(costMicros(claude, 1_000_000, 0, cache)).toBe(4_650_000n);
    expect(costMicros(claude, 1_000_000, 0, { ...cache, oneHourWriteTokens: 1_000_000 })).toBe(6_000_000n);
  });

  it('prices one-hour writes at the input price on a model without a write premium', () => {
    const cache = { readTokens: 0, writeTokens: 1_000_000, oneHourWriteTokens: 1_000_000 };
    expect(costMicros(mini, 1_000_000, 0, cache)).toBe(150_000n);
  });

  it('refuses more one-hour writes than writes', () => {
    const cache = { readTokens: 0, writeTokens: 10, oneHourWriteTokens: 11 };
    expect(refusal(() => costMicros(claude, 100, 0, cache)).field).toBe('cache_write_1h_tokens');
  });
});

describe('web searches', () => {
  const searching = { ...claude, webSearchMicrosPerRequest: 10_000n };

  it('charges each web search on top of the tokens', () => {
    expect(costMicros(searching, 0, 0, undefined, { webSearchRequests: 3 })).toBe(30_000n);
    expect(costMicros(searching, 1_000_000, 0, undefined, { webSearchRequests: 1 })).toBe(3_010_000n);
  });

  it('charges nothing for searches on a model without a search price', () => {
    expect(costMicros(claude, 0, 0, undefined, { webSearchRequests: 3 })).toBe(0n);
  });

  it.each([-1, 0.5])('refuses %p searches', (count) => {
    expect(refusal(() => costMicros(searching, 0, 0, undefined, { webSearchRequests: count })).field).toBe(
      'web_search_requests',
    );
  });
});

describe('long-context pricing', () => {
  // Sonnet 4.5 with the 1M beta: $6 in and $22.50 out once the input passes 200K tokens.
  const long = {
    ...claude,
    inputMicrosPerMillionAbove200k: 6_000_000n,
    outputMicrosPerMillionAbove200k: 22_500_000n,
  };

  it('prices the whole request at the long-context rates once the input passes 200K tokens', () => {
    // 250k in, 2k out: 250k × 6 + 2k × 22.50 = 1.545 USD.
    expect(costMicros(long, 250_000, 2_000)).toBe(1_545_000n);
    // At the threshold itself, the usual rates: 200k × 3 + 2k × 15 = 0.63 USD.
    expect(costMicros(long, LONG_CONTEXT_THRESHOLD_TOKENS, 2_000)).toBe(630_000n);
  });

  it('counts cached tokens toward the threshold and scales the cache rates by the same factor', () => {
    // 300k in: 100k uncached × 6, 150k read × 0.60, 50k written × 7.50 = 0.6 + 0.09 + 0.375 = 1.065 USD.
    const cache = { readTokens: 150_000, writeTokens: 50_000 };
    expect(costMicros(long, 300_000, 0, cache)).toBe(1_065_000n);
  });

  it('keeps the usual rates for a model without long-context rates', () => {
    expect(costMicros(claude, 250_000, 2_000)).toBe(780_000n);
  });
});

describe('worstCaseCostMicros', () => {
  it('counts a prompt marked for caching as written to the cache in full', () => {
    // 100k prompt, 1k output: 100k × 3.75 + 1k × 15 = 0.39 USD; for an hour 100k × 6 + 1k × 15 = 0.615.
    expect(worstCaseCostMicros(claude, 100_000, 1_000)).toBe(315_000n);
    expect(worstCaseCostMicros(claude, 100_000, 1_000, '5m')).toBe(390_000n);
    expect(worstCaseCostMicros(claude, 100_000, 1_000, '1h')).toBe(615_000n);
  });

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

describe('draftModel', () => {
  const draft = { inputMicrosPerMillion: 2_000_000n, outputMicrosPerMillion: 10_000_000n };

  it("keeps the catalog's ratios to input and output for the rates the draft leaves out", () => {
    const catalog = {
      ...claude,
      inputMicrosPerMillionAbove200k: 6_000_000n,
      outputMicrosPerMillionAbove200k: 22_500_000n,
      webSearchMicrosPerRequest: 10_000n,
    };
    expect(draftModel(catalog, draft)).toEqual({
      ...draft,
      cacheReadMicrosPerMillion: 200_000n,
      cacheWriteMicrosPerMillion: 2_500_000n,
      inputMicrosPerMillionAbove200k: 4_000_000n,
      outputMicrosPerMillionAbove200k: 15_000_000n,
      webSearchMicrosPerRequest: 10_000n,
    });
  });

  it('takes the cache rates the draft gives', () => {
    const given = { ...draft, cacheReadMicrosPerMillion: 0n, cacheWriteMicrosPerMillion: 3_000_000n };
    expect(draftModel(claude, given)).toEqual(given);
  });

  it('has no cache rates without a catalog entry or where the catalog has none', () => {
    expect(draftModel(undefined, draft)).toEqual(draft);
    expect(draftModel(mini, draft)).toEqual(draft);
  });
});

describe('promptCachingOf', () => {
  const ask = { content: 'hi' };

  it('finds a breakpoint on the request, a system block, a content block or a tool', () => {
    expect(promptCachingOf(null)).toBe('none');
    expect(promptCachingOf({ messages: [ask], system: 'plain' })).toBe('none');
    expect(promptCachingOf({ messages: [ask], cache_control: { type: 'ephemeral' } } as never)).toBe('5m');
    const marked = { type: 'text', text: 'x', cache_control: { type: 'ephemeral' } };
    expect(promptCachingOf({ messages: [ask], system: [marked] })).toBe('5m');
    expect(promptCachingOf({ messages: [{ content: [marked] }] })).toBe('5m');
    expect(promptCachingOf({ messages: [ask], tools: [{ name: 't', cache_control: {} }] })).toBe('5m');
  });

  it('answers the dearest lifetime asked for anywhere', () => {
    const fiveMinutes = { type: 'text', text: 'x', cache_control: { type: 'ephemeral', ttl: '5m' } };
    const oneHour = { type: 'text', text: 'y', cache_control: { type: 'ephemeral', ttl: '1h' } };
    expect(promptCachingOf({ messages: [{ content: [fiveMinutes, oneHour] }] })).toBe('1h');
  });
});
