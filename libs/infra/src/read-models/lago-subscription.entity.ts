import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Which Lago subscription (and customer) bills a user; without a row both are the user id. */
@Entity({ name: 'lago_subscriptions' })
export class LagoSubscriptionRow {
  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ name: 'external_subscription_id', type: 'text' })
  externalSubscriptionId!: string;

  @Column({ name: 'external_customer_id', type: 'text', nullable: true })
  externalCustomerId!: string | null;

  @Column({ name: 'updated_by', type: 'text' })
  updatedBy!: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
