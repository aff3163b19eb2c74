import type { Provider } from '@nestjs/common';
import { parseSubscriptionPlans, type SubscriptionPlans } from '@ops/domain';
import { BillingConfig } from '@ops/infra/config/features/billing-config';

/** The tiers' prices and included credits (SUBSCRIPTION_PLANS over the defaults). */
export const SUBSCRIPTION_PLANS = Symbol('SUBSCRIPTION_PLANS');

export const subscriptionPlansProvider: Provider<SubscriptionPlans> = {
  provide: SUBSCRIPTION_PLANS,
  inject: [BillingConfig],
  useFactory: (config: BillingConfig) => parseSubscriptionPlans(config.SUBSCRIPTION_PLANS),
};
