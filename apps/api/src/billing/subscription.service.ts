import {
  BadGatewayException,
  ConflictException,
  Inject,
  Injectable,
  Logger,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import {
  subscriptionDecider,
  subscriptionStream,
  type CreditAccountCommand,
  type SubscriptionCommand,
  type SubscriptionPlans,
  type SubscriptionState,
  type Tier,
  creditAccount,
  subscription,
} from '@ops/domain';
import { BillingConfig } from '@ops/infra/config/features/billing-config';
import { CommandBus } from '@nestjs/cqrs';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import { RunAggregateCommand } from '@ops/infra/event-sourcing/run-aggregate-command';
import { FieldErrorsException } from '@ops/infra/http/problem-details';
import Stripe from 'stripe';
import type { WebhookReceivedView } from './dto/billing-views.dto';
import type { SubscriptionCheckoutView, SubscriptionView } from './dto/subscription-views.dto';
import { stripeFailure } from './stripe-failure';
import { STRIPE } from './stripe-client';
import {
  readDeletion,
  readFailedInvoice,
  readPaidInvoice,
  readSubscription,
  type Reading,
} from './subscription-objects';
import { SUBSCRIPTION_PLANS } from './subscription-plans.provider';
import { stripeContext } from './stripe-context';

/**
 * Paid tiers through Stripe subscriptions. Checkout starts one; Stripe's webhooks then drive the
 * subscription aggregate, and the account follows it: its tier is the subscription's tier in force,
 * and each paid invoice grants the period's included credits once. Both follow from the
 * subscription's state rather than from the events just appended, so a delivery that finds its
 * events already stored (a retry after a crash between the two writes) still completes the account.
 */
@Injectable()
export class SubscriptionService {
  private readonly logger = new Logger(SubscriptionService.name);

  constructor(
    private readonly commands: CommandBus,
    /** Reads the subscription's state for answers that change nothing. */
    private readonly aggregates: CommandRunner,
    @Inject(STRIPE) private readonly stripe: Stripe | null,
    @Inject(SUBSCRIPTION_PLANS) private readonly plans: SubscriptionPlans,
    private readonly config: BillingConfig,
  ) {}

  async current(userId: string): Promise<SubscriptionView> {
    const { state } = await this.aggregates.load(subscriptionStream(userId), subscriptionDecider);
    return viewOf(userId, state);
  }

  async startCheckout(
    userId: string,
    tier: Tier,
    idempotencyKey?: string,
  ): Promise<SubscriptionCheckoutView> {
    if (!this.stripe) {
      throw new ServiceUnavailableException(
        'Subscriptions are not available: no Stripe account is configured (STRIPE_SECRET_KEY)',
      );
    }
    if (tier === 'free')
      throw new FieldErrorsException([{ field: 'tier', message: 'the free tier needs no subscription' }]);
    const { state } = await this.aggregates.load(subscriptionStream(userId), subscriptionDecider);
    if (state.status === 'active' || state.status === 'past_due') {
      throw new ConflictException(
        `You already subscribe to ${state.tier} (${state.subscriptionId}); change or cancel it in Stripe's billing portal`,
      );
    }
    const plan = this.plans[tier];
    let session: Stripe.Checkout.Session;
    try {
      session = await this.stripe.checkout.sessions.create(
        {
          mode: 'subscription',
          client_reference_id: userId,
          metadata: { user_id: userId, tier },
          // Every later event about the subscription and its invoices names the user by this.
          subscription_data: { metadata: { user_id: userId, tier } },
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: 'usd',
                unit_amount: plan.priceCents,
                recurring: { interval: 'month' },
                product_data: { name: `ops-center ${tier}` },
              },
            },
          ],
          success_url: this.config.STRIPE_SUCCESS_URL,
          cancel_url: this.config.STRIPE_CANCEL_URL,
        },
        idempotencyKey ? { idempotencyKey: `subscription:${userId}:${idempotencyKey}` } : undefined,
      );
    } catch (error) {
      throw stripeFailure(error, this.logger, 'start the subscription checkout');
    }
    if (!session.url) throw new BadGatewayException('Stripe answered with a Checkout Session without a URL');
    return {
      url: session.url,
      session_id: session.id,
      tier,
      price_cents: plan.priceCents,
      included_credits_micros: plan.includedCreditsMicros.toString(),
    };
  }

  /** One of the subscription webhooks; undefined for any other event type. */
  async receive(event: Stripe.Event): Promise<WebhookReceivedView | undefined> {
    switch (event.type) {
      case 'customer.subscription.created':
      case 'customer.subscription.updated':
        return this.apply(readSubscription(event.data.object, this.plans, event.created), event.id);
      case 'customer.subscription.deleted':
        return this.apply(readDeletion(event.data.object, event.created), event.id);
      case 'invoice.paid':
        return this.apply(readPaidInvoice(event.data.object, this.plans, event.created), event.id);
      case 'invoice.payment_failed':
        return this.apply(
          readFailedInvoice(event.data.object, this.config.SUBSCRIPTION_GRACE_DAYS, event.created),
          event.id,
        );
      default:
        return undefined;
    }
  }

  private async apply(
    reading: Reading<SubscriptionCommand | null>,
    eventId: string,
  ): Promise<WebhookReceivedView> {
    if (reading === null) return { received: true, outcome: 'ignored' };
    if ('problem' in reading) {
      this.logger.error(`Stripe event ${eventId} refused: ${reading.problem}`);
      throw new UnprocessableEntityException(
        `Stripe event ${eventId} does not match our plans: ${reading.problem}`,
      );
    }
    const { userId } = reading;
    const context = stripeContext(eventId);
    const outcome = await this.commands.execute(
      new RunAggregateCommand({
        ...subscription.stream(userId),
        command: reading,
        context,
      }),
    );
    const { state } = outcome;
    let granted = 0;
    if (state.status !== 'none') {
      await this.onAccount({ type: 'SetAccountTier', userId, tier: state.tier }, eventId);
    }
    const included =
      reading.type === 'RecordInvoicePaid' ? state.paidInvoices.get(reading.invoiceId) : undefined;
    if (reading.type === 'RecordInvoicePaid' && included !== undefined && included > 0n) {
      granted = await this.onAccount(
        {
          type: 'GrantCredits',
          userId,
          amountMicros: included,
          reason: `credits included in the ${reading.tier} subscription, invoice ${reading.invoiceId}`,
          grantId: reading.invoiceId,
        },
        eventId,
      );
    }
    if (granted > 0) return { received: true, outcome: 'credits_granted' };
    return {
      received: true,
      outcome: outcome.eventIds.length > 0 ? 'subscription_changed' : 'already_applied',
    };
  }

  private async onAccount(command: CreditAccountCommand, eventId: string): Promise<number> {
    const outcome = await this.commands.execute(
      new RunAggregateCommand({
        ...creditAccount.stream(command.userId),
        command,
        context: stripeContext(eventId),
      }),
    );
    return outcome.eventIds.length;
  }
}

function viewOf(userId: string, state: SubscriptionState): SubscriptionView {
  return {
    user_id: userId,
    status: state.status,
    tier: state.tier,
    subscription_id: state.subscriptionId,
    period_end: state.periodEnd,
    scheduled_change: state.scheduled
      ? { tier: state.scheduled.toTier, effective_at: state.scheduled.effectiveAt }
      : null,
    grace_until: state.status === 'past_due' ? state.graceUntil : null,
  };
}
