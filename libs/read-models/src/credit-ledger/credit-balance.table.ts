import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row per credit account: the balance is the sum of its ledger (credit_transactions). */
@Entity({ name: 'credit_balances' })
export class CreditBalanceRow {
  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId!: string;

  /** bigint comes back from pg as a string, which is the API's form for money anyway. */
  @Column({ name: 'balance_micros', type: 'bigint' })
  balanceMicros!: string;

  @Column({ name: 'last_revision', type: 'bigint' })
  lastRevision!: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
