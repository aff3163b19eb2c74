import { Module } from '@nestjs/common';
import type { AppConfig } from '@ops/infra/config/app-config';
import { APP_CONFIG } from '@ops/infra/config/config.module';
import { BillingController } from './billing.controller';
import { CreditCheckoutService } from './credit-checkout.service';
import { CREDIT_PACKAGES, parseCreditPackages } from './credit-packages';
import { createStripeClient, STRIPE } from './stripe-client';
import { StripeWebhookService } from './stripe-webhook.service';
import { subscriptionPlansProvider } from './subscription-plans.provider';
import { SubscriptionService } from './subscription.service';

/** Credit purchases and tier subscriptions through Stripe Checkout, and the webhook that applies them. */
@Module({
  controllers: [BillingController],
  providers: [
    { provide: STRIPE, inject: [APP_CONFIG], useFactory: createStripeClient },
    {
      provide: CREDIT_PACKAGES,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => parseCreditPackages(config.CREDIT_PACKAGES),
    },
    CreditCheckoutService,
    StripeWebhookService,
    subscriptionPlansProvider,
    SubscriptionService,
  ],
})
export class BillingModule {}
