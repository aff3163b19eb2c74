const DECIMAL = /^(\d{1,12})(?:\.(\d+))?$/;
const SCALE = 1_000_000n;

/** A decimal string (`"1.0"`, `"0.25"`) in millionths, or null when it has finer digits or none. */
function toMillionths(value: string): bigint | null {
  const match = DECIMAL.exec(value);
  if (!match) return null;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > 6) return null;
  return BigInt(match[1]) * SCALE + BigInt(fraction.padEnd(6, '0'));
}

function formatMillionths(value: bigint): string {
  const whole = value / SCALE;
  const fraction = (value % SCALE).toString().padStart(6, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole.toString();
}

/**
 * How many wallet credits `amountMicros` buys at the wallet's `rate_amount` (USD per credit), as the
 * decimal string Lago expects; null when the rate does not divide the amount exactly, since
 * rounding would make Lago's wallet disagree with our ledger.
 */
export function walletCreditsFor(amountMicros: bigint, rateAmount: string): string | null {
  const rate = toMillionths(rateAmount);
  if (rate === null || rate === 0n) return null;
  const millionthCredits = amountMicros * SCALE;
  if (millionthCredits % rate !== 0n) return null;
  return formatMillionths(millionthCredits / rate);
}
