import { ApiProperty } from '@nestjs/swagger';

export class CheckoutStartedView {
  @ApiProperty({ description: "Stripe Checkout's page: send the buyer there" }) url!: string;
  @ApiProperty() session_id!: string;
  @ApiProperty() package!: string;
  @ApiProperty({ description: 'What Stripe will charge, in USD cents' }) price_cents!: number;
  @ApiProperty({ description: 'Micro-USD credited once Stripe reports the payment' })
  credits_micros!: string;
}

export class CreditPackageView {
  @ApiProperty({ example: 'starter-10', description: 'What to send as `package` to buy it' }) id!: string;
  @ApiProperty({ example: 'Starter: 10 USD of credits' }) name!: string;
  @ApiProperty({ example: 1000, description: 'What Stripe charges, in USD cents' }) price_cents!: number;
  @ApiProperty({ example: '10000000', description: 'Micro-USD credited once paid' }) credits_micros!: string;
}

const WEBHOOK_OUTCOMES = [
  'credited',
  'already_credited',
  'awaiting_payment',
  'revoked',
  'already_revoked',
  'unknown_payment',
  'subscription_changed',
  'credits_granted',
  'already_applied',
  'ignored',
] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

export class WebhookReceivedView {
  @ApiProperty() received!: boolean;
  @ApiProperty({
    enum: WEBHOOK_OUTCOMES,
    description:
      'What the event did: a retry of a credited payment is `already_credited`; a refund or dispute ' +
      '`revoked` credits, or was `already_revoked` by an earlier delivery; `unknown_payment` names no purchase; ' +
      'a subscription event `subscription_changed` the plan, a paid invoice `credits_granted` its included ' +
      'credits, and a repeat or an older state delivered late is `already_applied`',
  })
  outcome!: WebhookOutcome;
}
