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
