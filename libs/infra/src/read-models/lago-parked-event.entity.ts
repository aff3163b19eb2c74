import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An event Lago refused for a reason a retry cannot fix; kept with that reason until replayed. */
@Entity({ name: 'lago_parked_events' })
export class LagoParkedEventRow {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'parked_at', type: 'timestamptz' })
  parkedAt!: Date;
}
