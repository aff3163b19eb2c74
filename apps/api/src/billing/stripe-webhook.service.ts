import {
  BadGatewayException,
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  Logger,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import {
  DomainError,
  isValidUserId,
  type CreditAccountCommand,
  type ReversePurchase,
  creditAccount,
} from '@ops/domain';
import { BillingConfig } from '@ops/infra/config/features/billing-config';
import { CommandBus } from '@nestjs/cqrs';
import { RunAggregateCommand } from '@ops/infra/event-sourcing/run-aggregate-command';
import Stripe from 'stripe';
import { CREDIT_PACKAGES, type CreditPackage } from './credit-packages';
import type { WebhookOutcome, WebhookReceivedView } from './dto/billing-views.dto';
import { checkPaidSession, expandableId } from './paid-session';
import { STRIPE } from './stripe-client';
import { stripeContext } from './stripe-context';
import { SubscriptionService } from './subscription.service';

/**
 * Turns Stripe's signed notifications into credit purchases, and refunds and disputes into their
 * revocation. The purchase's external id is the Checkout Session id rather than the event id: Stripe's
 * retries repeat the event id, but a session can also be reported by two different events
 * (`completed`, then `async_payment_succeeded`), and either way it is one payment that must credit
 * once. A refund or dispute names only the charge's payment intent; the buyer is read from the
 * payment intent's metadata (set at checkout) and checked against the account's own purchases.
 */
@Injectable()
export class StripeWebhookService {
  private readonly logger = new Logger(StripeWebhookService.name);

  constructor(
    private readonly commands: CommandBus,
    @Inject(STRIPE) private readonly stripe: Stripe | null,
    @Inject(CREDIT_PACKAGES) private readonly packages: ReadonlyMap<string, CreditPackage>,
    private readonly config: BillingConfig,
    private readonly subscriptions: SubscriptionService,
  ) {}

  async receive(rawBody: Buffer | undefined, signature: string | undefined): Promise<WebhookReceivedView> {
    const event = this.verified(rawBody, signature);
    switch (event.type) {
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded':
        return this.recordIfPaid(event.data.object, event.id);
      case 'charge.refunded': {
        const charge = event.data.object;
        return this.reverse(charge.payment_intent, event.id, {
          trigger: 'refund',
          reference: charge.id,
          reversedCents: charge.amount_refunded,
          paidCents: charge.amount,
        });
      }
      case 'charge.dispute.created': {
        const dispute = event.data.object;
        return this.reverse(dispute.payment_intent, event.id, {
          trigger: 'dispute',
          reference: dispute.id,
          reversedCents: dispute.amount,
          paidCents: dispute.amount,
        });
      }
      default:
        return (await this.subscriptions.receive(event)) ?? { received: true, outcome: 'ignored' };
    }
  }

  private verified(rawBody: Buffer | undefined, signature: string | undefined): Stripe.Event {
    const secret = this.config.STRIPE_WEBHOOK_SECRET;
    if (!secret) {
      throw new ServiceUnavailableException(
        'Stripe webhooks are not accepted: no signing secret is configured (STRIPE_WEBHOOK_SECRET)',
      );
    }
    if (!rawBody || !signature)
      throw new BadRequestException('A signed JSON body (Stripe-Signature) is required');
    try {
      return Stripe.webhooks.constructEvent(rawBody, signature, secret);
    } catch {
      this.logger.warn('refused a Stripe webhook whose signature does not verify');
      throw new BadRequestException('The Stripe-Signature does not verify for this body');
    }
  }

  private async recordIfPaid(
    session: Stripe.Checkout.Session,
    eventId: string,
  ): Promise<WebhookReceivedView> {
    // A delayed method (bank debit) completes the session unpaid; its success arrives as its own event.
    if (session.payment_status !== 'paid') return { received: true, outcome: 'awaiting_payment' };
    const checked = checkPaidSession(session, this.packages);
    if ('problem' in checked) {
      this.logger.error(`paid Checkout Session ${session.id} (event ${eventId}) refused: ${checked.problem}`);
      throw new UnprocessableEntityException(
        `Checkout Session ${session.id} does not match a configured purchase: ${checked.problem}`,
      );
    }
    const appended = await this.run(
      {
        type: 'RecordCreditPurchase',
        userId: checked.userId,
        amountMicros: checked.creditPackage.creditsMicros,
        package: checked.creditPackage.id,
        externalId: checked.sessionId,
        paymentIntentId: checked.paymentIntentId,
      },
      checked.userId,
      eventId,
    );
    return { received: true, outcome: appended > 0 ? 'credited' : 'already_credited' };
  }

  /**
   * Takes back what a refund or dispute paid back. Idempotent across Stripe's retries: the domain
   * revokes the difference between what is due in total and what earlier deliveries took.
   */
  private async reverse(
    paymentIntent: string | Stripe.PaymentIntent | null,
    eventId: string,
    reversal: Pick<ReversePurchase, 'trigger' | 'reference' | 'reversedCents' | 'paidCents'>,
  ): Promise<WebhookReceivedView> {
    const paymentIntentId = expandableId(paymentIntent);
    const userId = paymentIntentId ? await this.buyerOf(paymentIntentId) : undefined;
    if (!paymentIntentId || !userId) {
      this.logger.error(
        `Stripe ${reversal.trigger} ${reversal.reference} (event ${eventId}) names no purchase of ours`,
      );
      return { received: true, outcome: 'unknown_payment' };
    }
    try {
      const appended = await this.run(
        { type: 'ReversePurchase', userId, paymentIntentId, ...reversal },
        userId,
        eventId,
      );
      const outcome: WebhookOutcome = appended > 0 ? 'revoked' : 'already_revoked';
      return { received: true, outcome };
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'not_found') throw error;
      // Our buyer, but the purchase is not recorded yet (Stripe does not order its events): an error
      // answer makes Stripe deliver the refund again later, once the purchase is in the account.
      this.logger.warn(
        `Stripe ${reversal.trigger} ${reversal.reference} (event ${eventId}): ${error.message}`,
      );
      throw new ConflictException(
        `The purchase paid by ${paymentIntentId} is not recorded yet; deliver this event again later`,
      );
    }
  }

  /** The buyer Checkout recorded on the payment intent; undefined when it is not one of our purchases. */
  private async buyerOf(paymentIntentId: string): Promise<string | undefined> {
    if (!this.stripe) {
      throw new ServiceUnavailableException(
        'Refunds and disputes cannot be matched: no Stripe account is configured (STRIPE_SECRET_KEY)',
      );
    }
    let paymentIntent: Stripe.PaymentIntent;
    try {
      paymentIntent = await this.stripe.paymentIntents.retrieve(paymentIntentId);
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404)
        return undefined;
      if (!(error instanceof Stripe.errors.StripeError)) throw error;
      // Stripe retries a webhook answered with an error, so the revocation is only delayed.
      this.logger.error(`Stripe refused to read payment intent ${paymentIntentId}: ${error.type}`);
      throw new BadGatewayException(`Stripe could not be asked about ${paymentIntentId} (${error.type})`);
    }
    const userId = paymentIntent.metadata?.user_id;
    return userId && isValidUserId(userId) ? userId : undefined;
  }

  private async run(command: CreditAccountCommand, userId: string, eventId: string): Promise<number> {
    const outcome = await this.commands.execute(
      new RunAggregateCommand({
        ...creditAccount.stream(userId),
        command,
        context: stripeContext(eventId),
      }),
    );
    return outcome.eventIds.length;
  }
}
