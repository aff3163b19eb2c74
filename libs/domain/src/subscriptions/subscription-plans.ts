import { DomainError } from '../shared/domain-error';
import { MICROS_PER_USD, type Micros } from '../shared/micros';
import { isTier, TIERS, type Tier } from '../llm/tiers';

/** What a tier costs each month (USD cents) and the credits each paid month includes. */
export interface SubscriptionPlan {
  readonly tier: Tier;
  readonly priceCents: number;
  readonly includedCreditsMicros: Micros;
}

export type SubscriptionPlans = Readonly<Record<Tier, SubscriptionPlan>>;

/** The original plan's prices; the included credits are a share of the price, in credits to spend. */
export const DEFAULT_SUBSCRIPTION_PLANS: SubscriptionPlans = {
  free: { tier: 'free', priceCents: 0, includedCreditsMicros: 0n },
  starter: { tier: 'starter', priceCents: 1_900, includedCreditsMicros: 5n * MICROS_PER_USD },
  professional: { tier: 'professional', priceCents: 4_900, includedCreditsMicros: 20n * MICROS_PER_USD },
  enterprise: { tier: 'enterprise', priceCents: 9_900, includedCreditsMicros: 50n * MICROS_PER_USD },
};

/** Stripe's ceiling for one charge is far above this; beyond it is a typo. */
const MAX_PRICE_CENTS = 100_000_00;

function fail(message: string, field = 'subscription_plans'): never {
  throw new DomainError('invalid', `SUBSCRIPTION_PLANS: ${message}`, field);
}

function planOf(tier: Tier, value: unknown, base: SubscriptionPlan): SubscriptionPlan {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${tier} must be an object`);
  const { price_cents: price, included_credits_micros: included, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) fail(`${tier}: unknown field ${unknown[0]}`);
  if (
    price !== undefined &&
    (!Number.isSafeInteger(price) || (price as number) < 0 || (price as number) > MAX_PRICE_CENTS)
  )
    fail(`${tier}.price_cents must be an integer from 0 to ${MAX_PRICE_CENTS}`);
  if (included !== undefined && (typeof included !== 'string' || !/^(0|[1-9]\d{0,15})$/.test(included)))
    fail(`${tier}.included_credits_micros must be a non-negative integer, as a string`);
  const plan = {
    tier,
    priceCents: price === undefined ? base.priceCents : (price as number),
    includedCreditsMicros: included === undefined ? base.includedCreditsMicros : BigInt(included as string),
  };
  // Stripe refuses a recurring price below its minimum charge; free stays free, outside Stripe.
  if (tier !== 'free' && plan.priceCents < 50)
    fail(`${tier}.price_cents must be at least 50 (Stripe's minimum)`);
  if (tier === 'free' && plan.priceCents !== 0) fail('free.price_cents must be 0');
  return plan;
}

/** The configured plans merged over the defaults; a malformed entry stops the start, named. */
export function parseSubscriptionPlans(json: string): SubscriptionPlans {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    fail('must be a JSON object of plans by tier');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    fail('must be a JSON object of plans by tier');
  const plans = { ...DEFAULT_SUBSCRIPTION_PLANS };
  for (const [tier, value] of Object.entries(parsed)) {
    if (!isTier(tier)) fail(`unknown tier "${tier}"; tiers: ${TIERS.join(', ')}`);
    plans[tier] = planOf(tier, value, DEFAULT_SUBSCRIPTION_PLANS[tier]);
  }
  return plans;
}
