import { ApiProperty } from '@nestjs/swagger';

export class CheckoutStartedView {
  @ApiProperty({ description: "Stripe Checkout's page: send the buyer there" }) url!: string;
  @ApiProperty() session_id!: string;
  @ApiProperty() package!: string;
  @ApiProperty({ description: 'What Stripe will charge, in USD cents' }) price_cents!: number;
  @ApiProperty({ description: 'Micro-USD credited once Stripe reports the payment' })
  credits_micros!: string;
}

export class WebhookReceivedView {
  @ApiProperty() received!: boolean;
  @ApiProperty({
    enum: ['credited', 'already_credited', 'awaiting_payment', 'ignored'],
    description: 'What the event did: a retry of a credited payment is `already_credited`',
  })
  outcome!: 'credited' | 'already_credited' | 'awaiting_payment' | 'ignored';
}
