import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { TIERS, type Tier } from '@ops/domain';

export class StartSubscriptionDto {
  @ApiProperty({ enum: TIERS.filter((tier) => tier !== 'free'), example: 'starter' })
  @IsIn(TIERS, { message: `tier must be one of ${TIERS.join(', ')}` })
  tier!: Tier;
}

export class SubscriptionCheckoutView {
  @ApiProperty({ description: "Stripe Checkout's page: send the subscriber there" }) url!: string;
  @ApiProperty() session_id!: string;
  @ApiProperty({ enum: TIERS }) tier!: Tier;
  @ApiProperty({ description: 'What Stripe charges each month, in USD cents' }) price_cents!: number;
  @ApiProperty({ description: 'Micro-USD credited with each paid month' }) included_credits_micros!: string;
}

export class ScheduledChangeView {
  @ApiProperty({ enum: TIERS }) tier!: string;
  @ApiProperty() effective_at!: string;
}

export class SubscriptionView {
  @ApiProperty() user_id!: string;
  @ApiProperty({ enum: ['none', 'active', 'past_due', 'ended'] }) status!: string;
  @ApiProperty({ enum: TIERS, description: 'The tier in force now' }) tier!: string;
  @ApiProperty({ nullable: true, type: String }) subscription_id!: string | null;
  @ApiProperty({ nullable: true, type: String }) period_end!: string | null;
  @ApiProperty({
    nullable: true,
    type: ScheduledChangeView,
    description: 'A downgrade or cancellation at period end',
  })
  scheduled_change!: ScheduledChangeView | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'After a failed payment: the tier holds until then',
  })
  grace_until!: string | null;
}

export class PlanView {
  @ApiProperty({ enum: TIERS }) tier!: string;
  @ApiProperty() price_cents!: number;
  @ApiProperty() included_credits_micros!: string;
}
