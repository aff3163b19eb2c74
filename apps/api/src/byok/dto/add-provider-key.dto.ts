import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PROVIDERS } from '@ops/domain/llm/providers';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

/** Every provider but those on the platform's own machines, which take no key. */
const BYOK_PROVIDERS = PROVIDERS.filter((provider) => !provider.local).map((provider) => provider.id);

export class AddProviderKeyDto {
  // Checked by the decider (parseByokProvider): the enum documents the list, and types the console's.
  @ApiProperty({ example: 'openai', enum: BYOK_PROVIDERS, description: 'A provider that takes user keys' })
  @IsString()
  @Length(1, 64)
  provider!: string;

  @ApiProperty({
    description: 'The provider API key; stored sealed, never shown again (only its last 4 characters)',
  })
  @IsString()
  @Length(1, 512)
  api_key!: string;

  @ApiPropertyOptional({ example: 'work account', description: '1-64 printable characters' })
  @IsOptional()
  @IsString()
  @Matches(/^[^\p{C}]{1,64}$/u, { message: 'label must be 1-64 printable characters' })
  label?: string;
}
