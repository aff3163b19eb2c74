import { DomainError } from '../shared/domain-error';

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
