import { BadGatewayException, Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { BillingConfig } from '@ops/infra/config/features/billing-config';
import { FieldErrorsException } from '@ops/infra/http/problem-details';
import type Stripe from 'stripe';
import { CREDIT_PACKAGES, type CreditPackage } from './credit-packages';
import type { CheckoutStartedView } from './dto/billing-views.dto';
import { STRIPE } from './stripe-client';
import { stripeFailure } from './stripe-failure';

/** Starts a purchase: a Stripe Checkout Session for one configured package, tagged with the buyer. */
@Injectable()
export class CreditCheckoutService {
  private readonly logger = new Logger(CreditCheckoutService.name);

  constructor(
    @Inject(STRIPE) private readonly stripe: Stripe | null,
    @Inject(CREDIT_PACKAGES) private readonly packages: ReadonlyMap<string, CreditPackage>,
    private readonly config: BillingConfig,
  ) {}

  async start(userId: string, packageId: string, idempotencyKey?: string): Promise<CheckoutStartedView> {
    if (!this.stripe) {
      throw new ServiceUnavailableException(
        'Credit purchases are not available: no Stripe account is configured (STRIPE_SECRET_KEY)',
      );
    }
    const chosen = this.packages.get(packageId);
    if (!chosen) {
      const known = [...this.packages.keys()].join(', ');
      throw new FieldErrorsException([
        { field: 'package', message: `unknown package "${packageId}"; known packages: ${known}` },
      ]);
    }
    const session = await this.createSession(this.stripe, userId, chosen, idempotencyKey);
    if (!session.url) throw new BadGatewayException('Stripe answered with a Checkout Session without a URL');
    return {
      url: session.url,
      session_id: session.id,
      package: chosen.id,
      price_cents: chosen.priceCents,
      credits_micros: chosen.creditsMicros.toString(),
    };
  }

  private async createSession(
    stripe: Stripe,
    userId: string,
    chosen: CreditPackage,
    idempotencyKey: string | undefined,
  ): Promise<Stripe.Checkout.Session> {
    try {
      return await stripe.checkout.sessions.create(
        {
          mode: 'payment',
          client_reference_id: userId,
          metadata: { user_id: userId, package: chosen.id },
          // A refund or dispute names only the payment intent: this is how it finds the buyer.
          payment_intent_data: { metadata: { user_id: userId, package: chosen.id } },
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: 'usd',
                unit_amount: chosen.priceCents,
                product_data: { name: chosen.name },
              },
            },
          ],
          success_url: this.config.STRIPE_SUCCESS_URL,
          cancel_url: this.config.STRIPE_CANCEL_URL,
        },
        // Scoped to the buyer, so two users' keys never meet at Stripe.
        idempotencyKey ? { idempotencyKey: `credit-purchase:${userId}:${idempotencyKey}` } : undefined,
      );
    } catch (error) {
      throw stripeFailure(error, this.logger, 'start the checkout');
    }
  }
}
