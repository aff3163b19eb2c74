import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Where each projection stands in the global log; written in the same transaction as its rows. */
@Entity({ name: 'projection_checkpoints' })
export class ProjectionCheckpointRow {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  position!: string;

  /** How far the projector has read the log for this projection: every event it matches up to here is applied. */
  @Column({ name: 'read_through', type: 'text', default: '' })
  readThrough!: string;

  @Column({ name: 'events_processed', type: 'bigint' })
  eventsProcessed!: string;

  @Column({ name: 'last_event_recorded_at', type: 'timestamptz', nullable: true })
  lastEventRecordedAt!: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
