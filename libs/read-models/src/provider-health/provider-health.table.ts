import type { ProviderStatus } from '@ops/domain';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Each provider's latest reported health, as every API replica routes on it. */
@Entity({ name: 'provider_health' })
export class ProviderHealthRow {
  @PrimaryColumn({ type: 'text' })
  provider!: string;

  @Column({ type: 'text' })
  status!: ProviderStatus;

  @Column({ name: 'error_rate', type: 'double precision' })
  errorRate!: number;

  @Column({ name: 'latency_p50_ms', type: 'double precision', nullable: true })
  latencyP50Ms!: number | null;

  @Column({ name: 'latency_p95_ms', type: 'double precision', nullable: true })
  latencyP95Ms!: number | null;

  @Column({ type: 'integer' })
  samples!: number;

  /** The deadline of the breaker the reporter opened; null when none is open. */
  @Column({ name: 'cooling_down_until', type: 'timestamptz', nullable: true })
  coolingDownUntil!: Date | null;

  @Column({ type: 'text' })
  source!: 'traffic' | 'probe';

  /** The API replica that reported it; null for reports recorded before replicas named themselves. */
  @Column({ name: 'reported_by', type: 'text', nullable: true })
  reportedBy!: string | null;

  @Column({ name: 'reported_at', type: 'timestamptz' })
  reportedAt!: Date;
}
