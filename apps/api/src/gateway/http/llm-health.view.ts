import { ApiProperty } from '@nestjs/swagger';

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
    description: 'The circuit breaker is open (no call is routed to the provider) until then',
  })
  cooling_down_until!: string | null;
}

export class ProvidersHealthView {
  @ApiProperty({ type: [ProviderHealthView] }) providers!: ProviderHealthView[];
}
