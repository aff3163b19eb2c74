import { DomainError } from './domain-error';

/**
 * Money is an integer number of micro-USD (1 USD = 1,000,000), a bigint in code and a decimal string
 * in JSON, so no amount ever passes through a float.
 */
export type Micros = bigint;

export const MICROS_PER_USD = 1_000_000n;

const DIGITS = /^-?(0|[1-9]\d{0,18})$/;

/** Parses the JSON form of an amount; refuses anything but a plain integer within 64 bits. */
export function parseMicros(value: string, field = 'amount_micros'): Micros {
  if (!DIGITS.test(value))
    throw new DomainError('invalid', `${field} must be an integer number of micro-USD`, field);
  const amount = BigInt(value);
  if (amount > 9_223_372_036_854_775_807n || amount < -9_223_372_036_854_775_808n) {
    throw new DomainError('invalid', `${field} is out of range`, field);
  }
  return amount;
}

export function formatMicros(amount: Micros): string {
  return amount.toString();
}
