import { ApiProperty } from '@nestjs/swagger';
import { availableMicros, periodOf, spentInPeriod, type CreditAccountState } from '@ops/domain';

/** An account as the gateway sees it right now: plan, balance, what is held and spent this month. */
export class CreditAccountView {
  @ApiProperty() user_id!: string;
  @ApiProperty({ enum: ['free', 'starter', 'professional', 'enterprise'] }) tier!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Micro-USD per calendar month (UTC); null: no cap',
  })
  monthly_cap_micros!: string | null;
  @ApiProperty({ enum: ['eco', 'balanced', 'precision'] }) default_power_level!: string;
  @ApiProperty() privacy_mode!: boolean;
  @ApiProperty() balance_micros!: string;
  @ApiProperty({ description: 'Held for requests in flight' }) reserved_micros!: string;
  @ApiProperty() available_micros!: string;
  @ApiProperty({ example: '2026-11' }) period!: string;
  @ApiProperty() spent_this_period_micros!: string;
  @ApiProperty() open_reservations!: number;
}

export function creditAccountView(userId: string, state: CreditAccountState, now: Date): CreditAccountView {
  const period = periodOf(now.toISOString());
  return {
    user_id: userId,
    tier: state.plan.tier,
    monthly_cap_micros: state.plan.monthlyCapMicros === null ? null : state.plan.monthlyCapMicros.toString(),
    default_power_level: state.plan.defaultPowerLevel,
    privacy_mode: state.plan.privacyMode,
    balance_micros: state.balanceMicros.toString(),
    reserved_micros: state.reservedMicros.toString(),
    available_micros: availableMicros(state).toString(),
    period,
    spent_this_period_micros: spentInPeriod(state, period).toString(),
    open_reservations: state.reservations.size,
  };
}
