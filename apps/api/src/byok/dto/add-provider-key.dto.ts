import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

export class AddProviderKeyDto {
  @ApiProperty({ example: 'openai', description: 'A provider of the catalog that takes user keys' })
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
