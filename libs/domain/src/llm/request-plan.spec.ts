import type { ModelInfo } from './catalog';
import { NO_MARGIN, parseMargin } from './margin';
import { requestWorstCase } from './router';
import {
  affordableChainHold,
  anthropicLinks,
  chainHold,
  requestPowerLevel,
  requestPrivacy,
  type HoldRequest,
} from './request-plan';

/** A model priced one micro-USD per input token and `outputPrice` per output token, 100 output tokens at most. */
function model(id: string, outputPrice: bigint, provider = 'openai'): ModelInfo {
  return {
    id,
    provider,
    inputMicrosPerMillion: 1_000_000n,
    outputMicrosPerMillion: outputPrice * 1_000_000n,
    contextLength: 1_000,
    maxOutputTokens: 100,
  } as ModelInfo;
}

const cheap = { model: model('cheap', 1n), byok: false };
const mid = { model: model('mid', 2n), byok: false };
const dear = { model: model('dear', 5n), byok: false };
const own = { model: model('own', 9n), byok: true };
const request: HoldRequest = { tier: 'starter', promptTokens: 10, maxTokens: null, margin: NO_MARGIN };

describe('request plan: the hold', () => {
  it('holds the worst case of the dearest link: the whole prompt and the whole output budget', () => {
    expect(requestWorstCase(request, mid.model)).toBe(210n);
    expect(chainHold(request, [cheap, dear, mid])).toEqual({ chain: [cheap, dear, mid], amountMicros: 510n });
  });

  it("bounds each link's output by the client's max_tokens", () => {
    expect(chainHold({ ...request, maxTokens: 10 }, [dear]).amountMicros).toBe(60n);
  });

  it("adds the tier's markup, and charges a link on the user's own key only the BYOK fee", () => {
    const margin = parseMargin('{"starter": 10}', '5');
    expect(requestWorstCase({ ...request, margin }, mid.model)).toBe(231n);
    expect(requestWorstCase({ ...request, margin }, own.model, true)).toBe(46n);
    expect(chainHold(request, [own]).amountMicros).toBe(0n);
  });

  it("cuts a refused chain to the links the first one's hold covers", () => {
    expect(affordableChainHold(request, [mid, dear, cheap, own], 510n)).toEqual({
      chain: [mid, cheap, own],
      amountMicros: 210n,
    });
  });

  it("keeps only the user's own keys when the first link holds nothing", () => {
    expect(affordableChainHold(request, [own, dear, { ...mid, byok: true }], 510n)).toEqual({
      chain: [own, { ...mid, byok: true }],
      amountMicros: 0n,
    });
  });

  it('lets the refusal stand when the first link is the dearest', () => {
    expect(affordableChainHold(request, [dear, cheap], 510n)).toBeNull();
    expect(affordableChainHold(request, [], 510n)).toBeNull();
  });
});

describe('request plan: level, privacy and wire', () => {
  it("runs at the request's power level, else the plan's, else balanced", () => {
    expect(requestPowerLevel('eco', 'precision')).toBe('eco');
    expect(requestPowerLevel(undefined, 'precision')).toBe('precision');
    expect(requestPowerLevel('turbo', 'precision')).toBe('balanced');
    expect(requestPowerLevel(undefined, 'legacy')).toBe('balanced');
  });

  it('lets a request add privacy mode, never drop the account’s', () => {
    expect(requestPrivacy(true, false)).toBe(true);
    expect(requestPrivacy(false, true)).toBe(true);
    expect(requestPrivacy(false, undefined)).toBe(false);
  });

  it('keeps the links that speak Anthropic’s API for a request only it can take', () => {
    const claude = { model: model('claude', 1n, 'anthropic'), byok: false };
    expect(anthropicLinks([cheap, claude, mid])).toEqual([claude]);
    expect(anthropicLinks([cheap, mid])).toEqual([]);
  });
});
