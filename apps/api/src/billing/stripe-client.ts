import type { BillingConfig } from '@ops/infra/config/features/billing-config';
import Stripe from 'stripe';

/** The official Stripe client, or null when no STRIPE_SECRET_KEY is configured. */
export const STRIPE = Symbol('STRIPE');

/** STRIPE_API_BASE points the client at another origin: a local stand-in in tests. */
function apiOrigin(base: string | undefined): Pick<Stripe.StripeConfig, 'host' | 'port' | 'protocol'> {
  if (!base) return {};
  const url = new URL(base);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port || (protocol === 'http' ? 80 : 443), protocol };
}

export function createStripeClient(config: BillingConfig): Stripe | null {
  if (!config.STRIPE_SECRET_KEY) return null;
  return new Stripe(config.STRIPE_SECRET_KEY, {
    // The library retries network failures and 409/5xx itself, with the same idempotency key.
    maxNetworkRetries: 2,
    timeout: 20_000,
    ...apiOrigin(config.STRIPE_API_BASE),
  });
}
