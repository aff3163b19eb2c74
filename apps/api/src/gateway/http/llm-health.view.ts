import { ApiProperty } from '@nestjs/swagger';

/** The latest change of a provider's health that any API replica reported, as every replica reads it. */
export class ProviderHealthReportView {
  @ApiProperty({ enum: ['up', 'degraded', 'down'] }) status!: string;
  @ApiProperty({ description: "Share of failed calls in the reporter's window, 0 to 1" }) error_rate!: number;
  @ApiProperty({ type: Number, nullable: true }) latency_p50_ms!: number | null;
  @ApiProperty({ type: Number, nullable: true }) latency_p95_ms!: number | null;
  @ApiProperty({ description: "Calls in the reporter's window" }) samples!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) cooling_down_until!: string | null;
  @ApiProperty({ enum: ['traffic', 'probe'] }) source!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The replica that reported it (host/pid/instance); null for reports older than the field',
  })
  reported_by!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) reported_at!: string;
}

export class ProviderHealthView {
  @ApiProperty() provider!: string;
  @ApiProperty() configured!: boolean;
  @ApiProperty({ enum: ['up', 'degraded', 'down', 'unconfigured'] }) status!: string;
  @ApiProperty({ description: 'Share of failed calls in the window, 0 to 1' }) error_rate!: number;
  @ApiProperty({ type: Number, nullable: true }) latency_p50_ms!: number | null;
  @ApiProperty({ type: Number, nullable: true }) latency_p95_ms!: number | null;
  @ApiProperty({ description: 'Calls in the window' }) samples!: number;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'The circuit breaker is open (no call is routed to the provider) until then, here or on the replica that reported it',
  })
  cooling_down_until!: string | null;
  @ApiProperty({
    type: ProviderHealthReportView,
    nullable: true,
    description: 'The latest change any replica reported; null while none has',
  })
  reported!: ProviderHealthReportView | null;
}

export class ProvidersHealthView {
  @ApiProperty({ type: [ProviderHealthView] }) providers!: ProviderHealthView[];
}
