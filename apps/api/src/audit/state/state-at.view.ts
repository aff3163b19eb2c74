import { ApiProperty, PickType } from '@nestjs/swagger';
import { LocalUserView } from '../../local-users/local-user-views';

export class AccountPlanView {
  @ApiProperty() tier!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Micro-USD; null: no cap' })
  monthly_cap_micros!: string | null;
  @ApiProperty() default_power_level!: string;
  @ApiProperty() privacy_mode!: boolean;
}

export class CreditAccountStateView {
  @ApiProperty({ description: 'Micro-USD' }) balance_micros!: string;
  @ApiProperty({ description: 'Micro-USD held by open reservations' }) reserved_micros!: string;
  @ApiProperty({ description: 'Micro-USD' }) available_micros!: string;
  @ApiProperty({
    type: Object,
    isArray: true,
    description: 'reservation_id, request_id, amount_micros, period, expires_at',
  })
  reservations!: Record<string, unknown>[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Micro-USD debited per month (YYYY-MM)',
  })
  spent_by_period!: Record<string, string>;
  @ApiProperty({ type: AccountPlanView }) plan!: AccountPlanView;
  @ApiProperty({ type: [String] }) purchase_ids!: string[];
}

/** The account's fields as the read model names them, plus what only the log knows. */
export class LocalUserStateView extends PickType(LocalUserView, [
  'host',
  'username',
  'shell',
  'full_name',
  'groups',
  'sudo',
  'has_password',
  'locked',
  'expires_on',
  'force_password_change',
] as const) {
  @ApiProperty() exists!: boolean;
  @ApiProperty() deleted!: boolean;
  @ApiProperty({ type: Object, isArray: true, description: 'type, bits, fingerprint, comment, options' })
  ssh_keys!: Record<string, unknown>[];
  @ApiProperty({
    type: Object,
    nullable: true,
    description: 'status, revision, command_id (and the failure)',
  })
  last_outcome!: Record<string, unknown> | null;
}

class StateAtBase {
  @ApiProperty() stream!: string;
  @ApiProperty({ description: 'The instant asked about' }) at!: string;
  @ApiProperty({ description: 'Revision of the last event folded: the stream stood there at `at`' })
  revision!: string;
  @ApiProperty() position!: string;
  @ApiProperty() recorded_at!: string;
}

export class CreditAccountStateAtView extends StateAtBase {
  @ApiProperty({ type: CreditAccountStateView }) state!: CreditAccountStateView;
}

export class LocalUserStateAtView extends StateAtBase {
  @ApiProperty({ type: LocalUserStateView }) state!: LocalUserStateView;
}
