/** A package a user may buy: what Stripe charges (USD cents) and what the account is credited. */
export interface CreditPackage {
  id: string;
  name: string;
  priceCents: number;
  creditsMicros: bigint;
}

const PACKAGE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Stripe's own ceiling for one Checkout amount is far above this; larger is a configuration typo. */
const MAX_PRICE_CENTS = 100_000_00;

function fail(problem: string): never {
  throw new Error(`CREDIT_PACKAGES: ${problem}`);
}

function parseOne(value: unknown, index: number): CreditPackage {
  if (typeof value !== 'object' || value === null) fail(`entry ${index} is not an object`);
  const {
    id,
    name,
    price_cents: priceCents,
    credits_micros: creditsMicros,
  } = value as Record<string, unknown>;
  if (typeof id !== 'string' || !PACKAGE_ID.test(id)) fail(`entry ${index}: id must match ${PACKAGE_ID}`);
  if (typeof name !== 'string' || name.trim().length === 0) fail(`${id}: name is required`);
  if (
    !Number.isSafeInteger(priceCents) ||
    (priceCents as number) < 50 ||
    (priceCents as number) > MAX_PRICE_CENTS
  )
    fail(`${id}: price_cents must be an integer from 50 (Stripe's minimum) to ${MAX_PRICE_CENTS}`);
  if (typeof creditsMicros !== 'string' || !/^[1-9]\d{0,15}$/.test(creditsMicros))
    fail(`${id}: credits_micros must be a positive integer, as a string`);
  return { id, name, priceCents: priceCents as number, creditsMicros: BigInt(creditsMicros) };
}

/** Reads the configured packages; a malformed list stops the start with the entry at fault. */
export function parseCreditPackages(json: string): ReadonlyMap<string, CreditPackage> {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed) || parsed.length === 0) fail('must be a non-empty JSON array');
  const packages = new Map<string, CreditPackage>();
  parsed.forEach((value, index) => {
    const entry = parseOne(value, index);
    if (packages.has(entry.id)) fail(`${entry.id} is listed twice`);
    packages.set(entry.id, entry);
  });
  return packages;
}

/** For messages: `10.00 USD`, without passing money through a float. */
export function formatUsdCents(cents: number): string {
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')} USD`;
}

export const CREDIT_PACKAGES = Symbol('CREDIT_PACKAGES');
