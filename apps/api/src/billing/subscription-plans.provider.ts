import type { Provider } from '@nestjs/common';
import { parseSubscriptionPlans, type SubscriptionPlans } from '@ops/domain';
import type { AppConfig } from '@ops/infra/config/app-config';
import { APP_CONFIG } from '@ops/infra/config/config.module';

/** The tiers' prices and included credits (SUBSCRIPTION_PLANS over the defaults). */
export const SUBSCRIPTION_PLANS = Symbol('SUBSCRIPTION_PLANS');

export const subscriptionPlansProvider: Provider<SubscriptionPlans> = {
  provide: SUBSCRIPTION_PLANS,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => parseSubscriptionPlans(config.SUBSCRIPTION_PLANS),
};
