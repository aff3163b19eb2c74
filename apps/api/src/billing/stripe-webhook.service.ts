import {
  BadRequestException,
  Inject,
  Injectable,
  Logger,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { CREDIT_ACCOUNT_SCHEMA_VERSIONS, creditAccountDecider, creditAccountStream } from '@ops/domain';
import type { AppConfig } from '@ops/infra/config/app-config';
import { APP_CONFIG } from '@ops/infra/config/config.module';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import Stripe from 'stripe';
import { CREDIT_PACKAGES, type CreditPackage } from './credit-packages';
import type { WebhookReceivedView } from './dto/billing-views.dto';
import { checkPaidSession } from './paid-session';

/**
 * Turns Stripe's signed notifications into credit purchases. The purchase's external id is the
 * Checkout Session id rather than the event id: Stripe's retries repeat the event id, but a session
 * can also be reported by two different events (`completed`, then `async_payment_succeeded`), and
 * either way it is one payment that must credit once.
 */
@Injectable()
export class StripeWebhookService {
  private readonly logger = new Logger(StripeWebhookService.name);

  constructor(
    private readonly commands: CommandRunner,
    @Inject(CREDIT_PACKAGES) private readonly packages: ReadonlyMap<string, CreditPackage>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async receive(rawBody: Buffer | undefined, signature: string | undefined): Promise<WebhookReceivedView> {
    const event = this.verified(rawBody, signature);
    switch (event.type) {
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded':
        return this.recordIfPaid(event.data.object, event.id);
      default:
        return { received: true, outcome: 'ignored' };
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
    const outcome = await this.commands.run({
      streamName: creditAccountStream(checked.userId),
      decider: creditAccountDecider,
      command: {
        type: 'RecordCreditPurchase',
        userId: checked.userId,
        amountMicros: checked.creditPackage.creditsMicros,
        package: checked.creditPackage.id,
        externalId: checked.sessionId,
      },
      context: { actor: 'stripe', correlationId: eventId, causationId: null, source: 'stripe-webhook' },
      schemaVersions: CREDIT_ACCOUNT_SCHEMA_VERSIONS,
    });
    return { received: true, outcome: outcome.eventIds.length > 0 ? 'credited' : 'already_credited' };
  }
}
