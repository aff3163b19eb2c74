import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `subscription` is only ever parked: plan changes are idempotent in Lago, so need no delivery record. */
export type LagoDeliveryKind = 'usage' | 'wallet_top_up' | 'subscription';
/** `already_in_lago`: Lago answered that it had the event (a resend after a crash). */
export type LagoDeliveryStatus = 'pending' | 'delivered' | 'already_in_lago';

/** One event the Lago sync sent, keyed by our event id: what finance reconciles against. */
@Entity({ name: 'lago_deliveries' })
export class LagoDeliveryRow {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ type: 'text' })
  kind!: LagoDeliveryKind;

  @Column({ type: 'text' })
  status!: LagoDeliveryStatus;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ name: 'transaction_id', type: 'text' })
  transactionId!: string;

  @Column({ name: 'amount_micros', type: 'bigint' })
  amountMicros!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'lago_wallet_id', type: 'text', nullable: true })
  lagoWalletId!: string | null;

  @Column({ name: 'lago_id', type: 'text', nullable: true })
  lagoId!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
