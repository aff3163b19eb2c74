import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One row per event of every stream: who did what, when, to which stream. */
@Entity({ name: 'audit_log' })
@Index('audit_log_actor', ['actor', 'occurredAt'])
@Index('audit_log_occurred_at', ['occurredAt'])
export class AuditLogRow {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'global_position', type: 'text' })
  globalPosition!: string;

  @Column({ name: 'stream_name', type: 'text' })
  streamName!: string;

  @Column({ name: 'stream_revision', type: 'bigint' })
  streamRevision!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @Column({ type: 'text' })
  actor!: string;

  /** Human-readable verb, e.g. `credits.granted`. */
  @Column({ type: 'text' })
  action!: string;

  @Column({ name: 'correlation_id', type: 'text' })
  correlationId!: string;

  @Column({ type: 'text' })
  source!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;

  /** For host changes: the managed server, the account, and `applied`/`failed` for outcomes. */
  @Column({ name: 'host_id', type: 'text', nullable: true })
  hostId!: string | null;

  @Column({ name: 'target_user', type: 'text', nullable: true })
  targetUser!: string | null;

  @Column({ type: 'text', nullable: true })
  outcome!: string | null;

  /** Why a host change failed, per field; null for every other event. */
  @Column({ type: 'text', nullable: true })
  detail!: string | null;
}
