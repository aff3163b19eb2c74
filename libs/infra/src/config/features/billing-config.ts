import { parseSubscriptionPlans } from '@ops/domain';
import { Type } from 'class-transformer';
import { IsJSON, IsInt, IsOptional, IsString, Max, Min, ValidateBy } from 'class-validator';
import { FeatureConfig } from '../feature-config';
import { HTTP, IsUrlOf, parseProblem } from '../setting-rules';

const subscriptionPlansProblem = (value: unknown) =>
  parseProblem(() => parseSubscriptionPlans(String(value)));

/**
 * Billing: the credit packages, Stripe (checkout and its webhook) and the tiers' subscriptions.
 */
export class BillingConfig extends FeatureConfig {
  /**
   * Credit packages users may buy: a JSON array of `{id, name, price_cents, credits_micros}` (USD
   * cents charged, micro-USD credited). Purchases and webhooks trust only this list, never a client.
   */
  @IsJSON({ message: 'CREDIT_PACKAGES must be a JSON array of credit packages' })
  CREDIT_PACKAGES = JSON.stringify([
    { id: 'starter-10', name: 'Starter: 10 USD of credits', price_cents: 1_000, credits_micros: '10000000' },
    { id: 'team-50', name: 'Team: 50 USD of credits', price_cents: 5_000, credits_micros: '50000000' },
    { id: 'scale-200', name: 'Scale: 200 USD of credits', price_cents: 20_000, credits_micros: '200000000' },
  ]);

  /** Stripe secret key (`sk_…`); without it credit purchases answer 503. */
  @IsOptional()
  @IsString()
  STRIPE_SECRET_KEY?: string;

  /** Signing secret of the Stripe webhook endpoint (`whsec_…`); without it the webhook answers 503. */
  @IsOptional()
  @IsString()
  STRIPE_WEBHOOK_SECRET?: string;

  /** Another Stripe API origin (`http://127.0.0.1:12111`): a local stand-in for tests. */
  @IsOptional()
  @IsUrlOf(...HTTP)
  STRIPE_API_BASE?: string;

  /** Where Checkout sends the buyer back; Stripe replaces `{CHECKOUT_SESSION_ID}`. */
  @IsUrlOf(...HTTP)
  STRIPE_SUCCESS_URL = 'http://localhost:3000/billing/success?session_id={CHECKOUT_SESSION_ID}';

  @IsUrlOf(...HTTP)
  STRIPE_CANCEL_URL = 'http://localhost:3000/billing/cancelled';

  /**
   * The tiers' subscriptions: monthly price (USD cents) and credits included each paid month, by tier,
   * merged over the defaults (README, "Subscriptions"): `{"starter": {"price_cents": 1900,
   * "included_credits_micros": "5000000"}}`.
   */
  @ValidateBy({
    name: 'subscriptionPlans',
    validator: {
      validate: (value: unknown) => subscriptionPlansProblem(value) === null,
      defaultMessage: (args) => subscriptionPlansProblem(args?.value) ?? '',
    },
  })
  SUBSCRIPTION_PLANS = '{}';

  /** Days a subscription keeps its tier after a failed renewal payment, while Stripe retries it. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60)
  SUBSCRIPTION_GRACE_DAYS = 7;
}
