import { chargeFor, NO_MARGIN, parseMargin, priceRequest, worstCaseChargeMicros } from './margin';

const margin = parseMargin('{"free": 20, "enterprise": 2.5}', '5');
const model = {
  inputMicrosPerMillion: 1_000_000n,
  outputMicrosPerMillion: 2_000_000n,
  contextLength: 1_000,
  maxOutputTokens: 100,
};

describe('margin', () => {
  it('adds the tier markup to platform-paid requests, rounded up to a whole micro-USD', () => {
    expect(chargeFor(1_000n, { tier: 'free', byok: false }, margin)).toBe(1_200n);
    expect(chargeFor(1_001n, { tier: 'free', byok: false }, margin)).toBe(1_202n);
    expect(chargeFor(1_000n, { tier: 'enterprise', byok: false }, margin)).toBe(1_025n);
    expect(chargeFor(1_000n, { tier: 'starter', byok: false }, margin)).toBe(1_000n);
  });

  it('charges a BYOK request only its fee, and nothing without one', () => {
    expect(chargeFor(1_000n, { tier: 'free', byok: true }, margin)).toBe(50n);
    expect(chargeFor(1_000n, { tier: 'free', byok: true }, NO_MARGIN)).toBe(0n);
    expect(worstCaseChargeMicros(model, { tier: 'free', byok: true }, 10, null, NO_MARGIN)).toBe(0n);
  });

  it('charges an unknown tier the dearest markup rather than none', () => {
    expect(chargeFor(1_000n, { tier: 'gold', byok: false }, margin)).toBe(1_200n);
  });

  it('prices a request at list and charged cost, and holds the marked-up worst case', () => {
    expect(priceRequest(model, { tier: 'free', byok: false }, 10, 5, margin)).toEqual({
      listMicros: 20n,
      chargedMicros: 24n,
    });
    // 10 prompt tokens and the model's 100 output tokens: 210 at list price.
    expect(worstCaseChargeMicros(model, { tier: 'free', byok: false }, 10, null, margin)).toBe(252n);
  });

  it.each([
    ['{"free": "20%"}', '0', 'markup.free'],
    ['{"free": 1001}', '0', 'at most 1000'],
    ['{"platinum": 1}', '0', 'unknown tier'],
    ['not json', '0', 'JSON object'],
    ['{}', '-1', 'byok_fee'],
  ])('refuses markup %s with BYOK fee %s', (markup, fee, problem) => {
    expect(() => parseMargin(markup, fee)).toThrow(problem);
  });
});

describe('the hold of a request that marks its prompt for caching', () => {
  const cached = { ...model, cacheWriteMicrosPerMillion: 1_250_000n };
  const free = { tier: 'free', byok: false };

  it('covers the prompt written to the cache in full, so the charge never passes the hold', () => {
    // 800 prompt tokens, 100 output: 800 × 1.25 + 100 × 2 = 1,200 micro-USD list, 1,440 with 20 %.
    const hold = worstCaseChargeMicros(cached, free, 800, 100, margin, '5m');
    expect(hold).toBe(1_440n);
    const cache = { readTokens: 0, writeTokens: 800 };
    expect(priceRequest(cached, free, 800, 100, margin, cache).chargedMicros).toBeLessThanOrEqual(hold);
    expect(worstCaseChargeMicros(cached, free, 800, 100, margin)).toBeLessThan(hold);
  });

  it('counts a one-hour write at twice the input price', () => {
    // 800 × 2 + 100 × 2 = 1,800 list, 2,160 with 20 %.
    expect(worstCaseChargeMicros(cached, free, 800, 100, margin, '1h')).toBe(2_160n);
  });
});
