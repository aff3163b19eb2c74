import { Module } from '@nestjs/common';
import { BillingConfig } from '@ops/infra/config/features/billing-config';
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
    { provide: STRIPE, inject: [BillingConfig], useFactory: createStripeClient },
    {
      provide: CREDIT_PACKAGES,
      inject: [BillingConfig],
      useFactory: (config: BillingConfig) => parseCreditPackages(config.CREDIT_PACKAGES),
    },
    CreditCheckoutService,
    StripeWebhookService,
    subscriptionPlansProvider,
    SubscriptionService,
  ],
})
export class BillingModule {}
