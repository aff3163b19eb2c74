import { DomainError } from '../shared/domain-error';

/** Subscription tiers, lowest first: a tier may use every model of its own tier and below. */
export const TIERS = ['free', 'starter', 'professional', 'enterprise'] as const;

export type Tier = (typeof TIERS)[number];

export function isTier(value: unknown): value is Tier {
  return typeof value === 'string' && (TIERS as readonly string[]).includes(value);
}

export function parseTier(value: unknown, field = 'tier'): Tier {
  if (!isTier(value)) throw new DomainError('invalid', `${field} must be one of ${TIERS.join(', ')}`, field);
  return value;
}

export function tierAllows(tier: Tier, minTier: Tier): boolean {
  return TIERS.indexOf(tier) >= TIERS.indexOf(minTier);
}
