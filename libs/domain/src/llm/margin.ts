import { DomainError } from '../shared/domain-error';
import type { Micros } from '../shared/micros';
import type { ModelInfo } from './catalog';
import {
  costMicros,
  NO_CACHE_TOKENS,
  NO_TOOL_USE,
  worstCaseCostMicros,
  type CacheTokens,
  type PromptCaching,
  type ToolUse,
} from './pricing';
import { isTier, TIERS, type Tier } from './tiers';

/**
 * What the platform adds to the list price, in basis points (1/100 of a percent) so every amount stays
 * an integer: a markup per tier on requests the platform pays for, and a fee on requests made with the
 * user's own key (BYOK), which pay no list price to us.
 */
export interface Margin {
  readonly markupBps: Readonly<Record<Tier, number>>;
  readonly byokFeeBps: number;
}

export const NO_MARGIN: Margin = {
  markupBps: { free: 0, starter: 0, professional: 0, enterprise: 0 },
  byokFeeBps: 0,
};

/** The two amounts a request is known by: the catalog price of its tokens and what its credits pay. */
export interface RequestPrice {
  listMicros: Micros;
  chargedMicros: Micros;
}

type PricedModel = Parameters<typeof costMicros>[0];
type SizedModel = PricedModel & Pick<ModelInfo, 'contextLength' | 'maxOutputTokens'>;

/** Who pays the provider: the platform (a markup applies) or the user's own key (only a BYOK fee). */
export interface Payer {
  readonly tier: string;
  readonly byok: boolean;
}

const BPS = 10_000n;
/** Ten times the list price: anything beyond is a configuration typo, not a business model. */
const MAX_BPS = 100_000;

/** The charged amount for a list amount, the margin's share rounded up to a whole micro-USD. */
export function chargeFor(listMicros: Micros, payer: Payer, margin: Margin): Micros {
  // An unknown tier cannot be sold at a discount by accident: it pays the dearest markup.
  const rate = payer.byok
    ? margin.byokFeeBps
    : isTier(payer.tier)
      ? margin.markupBps[payer.tier]
      : Math.max(...TIERS.map((tier) => margin.markupBps[tier]));
  const share = (listMicros * BigInt(rate) + BPS - 1n) / BPS;
  return payer.byok ? share : listMicros + share;
}

/**
 * A finished request's price from its real token counts, cached input at the model's cache rates, and
 * its server-side tool use.
 */
export function priceRequest(
  model: PricedModel,
  payer: Payer,
  inputTokens: number,
  outputTokens: number,
  margin: Margin,
  cache: CacheTokens = NO_CACHE_TOKENS,
  tools: ToolUse = NO_TOOL_USE,
): RequestPrice {
  const listMicros = costMicros(model, inputTokens, outputTokens, cache, tools);
  return { listMicros, chargedMicros: chargeFor(listMicros, payer, margin) };
}

/**
 * The most a request can be charged before its call: the hold that covers it. A request that marks its
 * prompt for caching may write all of it to the cache, which costs more than input.
 */
export function worstCaseChargeMicros(
  model: SizedModel,
  payer: Payer,
  promptTokensEstimate: number,
  maxTokens: number | null,
  margin: Margin,
  caching: PromptCaching = 'none',
): Micros {
  if (payer.byok && margin.byokFeeBps === 0) return 0n;
  return chargeFor(worstCaseCostMicros(model, promptTokensEstimate, maxTokens, caching), payer, margin);
}

const PERCENT = /^(0|[1-9]\d{0,3})(\.\d{1,2})?$/;

/** `12.5` (percent, at most two decimals) as 1250 basis points; refuses anything else by name. */
export function percentToBps(value: unknown, field: string): number {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !PERCENT.test(text)) {
    throw new DomainError(
      'invalid',
      `${field} must be a percentage from 0 to 1000, at most two decimals`,
      field,
    );
  }
  const [whole, fraction = ''] = text.split('.');
  const bps = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  if (bps > MAX_BPS) throw new DomainError('invalid', `${field} must be at most 1000 percent`, field);
  return bps;
}

/**
 * Reads the margin settings: a JSON object of markup percentages by tier (`{"free": 20, "starter": 15}`;
 * a tier left out has none) and the BYOK fee percentage.
 */
export function parseMargin(markupJson: string, byokFeePercent: unknown): Margin {
  let parsed: unknown;
  try {
    parsed = JSON.parse(markupJson);
  } catch {
    throw new DomainError('invalid', 'markup must be a JSON object of percentages by tier', 'markup');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new DomainError('invalid', 'markup must be a JSON object of percentages by tier', 'markup');
  }
  const markupBps = { ...NO_MARGIN.markupBps };
  for (const [tier, percent] of Object.entries(parsed)) {
    if (!isTier(tier)) {
      throw new DomainError(
        'invalid',
        `markup names an unknown tier "${tier}"; tiers: ${TIERS.join(', ')}`,
        'markup',
      );
    }
    markupBps[tier] = percentToBps(percent, `markup.${tier}`);
  }
  return { markupBps, byokFeeBps: percentToBps(byokFeePercent, 'byok_fee') };
}
