import { DomainError } from '../shared/domain-error';
import type { Micros } from '../shared/micros';

/** How `auto` weighs price against quality: cheapest capable, best value, or best answer. */
export const POWER_LEVELS = ['eco', 'balanced', 'precision'] as const;

export type PowerLevel = (typeof POWER_LEVELS)[number];

export function isPowerLevel(value: unknown): value is PowerLevel {
  return typeof value === 'string' && (POWER_LEVELS as readonly string[]).includes(value);
}

export function parsePowerLevel(value: unknown, field = 'power_level'): PowerLevel {
  if (!isPowerLevel(value)) {
    throw new DomainError('invalid', `${field} must be one of ${POWER_LEVELS.join(', ')}`, field);
  }
  return value;
}

/** A power level's cost ceiling for one request, in micro-USD: what `auto` may spend on it at worst. */
export type PowerLevelCeilings = Readonly<Record<PowerLevel, Micros>>;

/** The original plan's budgets: a tenth of a cent, a cent, ten cents. */
export const DEFAULT_POWER_LEVEL_CEILINGS: PowerLevelCeilings = {
  eco: 1_000n,
  balanced: 10_000n,
  precision: 100_000n,
};
