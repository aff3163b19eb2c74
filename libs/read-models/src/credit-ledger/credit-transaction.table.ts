import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The ledger: one row per credit movement, signed amount, balance after it. */
@Entity({ name: 'credit_transactions' })
@Index('credit_transactions_user_history', ['userId', 'streamRevision'])
export class CreditTransactionRow {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ name: 'stream_revision', type: 'bigint' })
  streamRevision!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ name: 'amount_micros', type: 'bigint' })
  amountMicros!: string;

  @Column({ name: 'balance_after_micros', type: 'bigint' })
  balanceAfterMicros!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'text' })
  actor!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;
}
