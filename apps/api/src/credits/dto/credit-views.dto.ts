import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CreditBalance, CreditTransactionRow } from '@ops/read-models';

export class CreditBalanceView {
  @ApiProperty() user_id!: string;
  @ApiProperty({ description: 'Micro-USD, as a string' }) balance_micros!: string;
  @ApiPropertyOptional({ nullable: true }) updated_at!: string | null;
}

export function creditBalanceView(
  userId: string,
  { balanceMicros, updatedAt }: CreditBalance,
): CreditBalanceView {
  return { user_id: userId, balance_micros: balanceMicros, updated_at: updatedAt?.toISOString() ?? null };
}

export class CreditTransactionView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'grant' }) kind!: string;
  @ApiProperty({ description: 'Signed micro-USD, as a string' }) amount_micros!: string;
  @ApiProperty() balance_after_micros!: string;
  @ApiProperty() reason!: string;
  @ApiProperty() actor!: string;
  @ApiProperty() occurred_at!: string;
  @ApiProperty({ description: 'Revision of the event in the account stream' }) revision!: string;
}

export function creditTransactionView(row: CreditTransactionRow): CreditTransactionView {
  return {
    id: row.eventId,
    kind: row.kind,
    amount_micros: row.amountMicros,
    balance_after_micros: row.balanceAfterMicros,
    reason: row.reason,
    actor: row.actor,
    occurred_at: row.occurredAt.toISOString(),
    revision: row.streamRevision,
  };
}

export class CreditHistoryView {
  @ApiProperty() user_id!: string;
  @ApiProperty({ type: [CreditTransactionView] }) items!: CreditTransactionView[];
  @ApiPropertyOptional({ nullable: true, description: 'Pass as `cursor` to get the next (older) page' })
  next_cursor!: string | null;
}

export class CreditsGrantedView {
  @ApiProperty() event_id!: string;
  @ApiProperty() user_id!: string;
  @ApiProperty() amount_micros!: string;
  @ApiProperty({ description: 'Balance on the account stream right after the grant' })
  balance_micros!: string;
  @ApiProperty() revision!: string;
  @ApiProperty({
    description: 'True when this answers a retry of an earlier request with the same Idempotency-Key',
  })
  replayed!: boolean;
}
