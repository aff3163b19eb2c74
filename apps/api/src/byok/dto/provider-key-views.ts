import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ProviderKeyView {
  @ApiProperty({ example: 'openai' }) provider!: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Null when none was given or it was erased',
  })
  label!: string | null;
  @ApiProperty({ example: 'x9Qz', description: 'The last 4 characters of the key' }) last4!: string;
  @ApiProperty() added_at!: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'When the provider last accepted the key',
  })
  validated_at!: string | null;
  @ApiProperty({
    enum: ['valid', 'unverified', 'erased'],
    description:
      '`unverified`: the provider could not be reached to check the key; `erased`: the owner was erased',
  })
  status!: string;
}

export class ProviderKeyAddedView {
  @ApiProperty() provider!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) label!: string | null;
  @ApiProperty() last4!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) validated_at!: string | null;
  @ApiProperty({ enum: ['valid', 'unverified'] }) status!: string;
  @ApiProperty({ description: 'What the live check found' }) detail!: string;
  @ApiProperty({ description: 'True when this answers a retry with the same Idempotency-Key' })
  replayed!: boolean;
}
