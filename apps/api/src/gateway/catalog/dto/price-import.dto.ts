import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

/** A LiteLLM price list to compare with the catalog and, unless a dry run, apply: by URL or inline. */
export class PriceImportDto {
  @ApiProperty({ enum: ['litellm'], description: "LiteLLM's model_prices_and_context_window.json format" })
  @IsIn(['litellm'])
  format!: 'litellm';

  @ApiPropertyOptional({
    example: 'https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json',
    description: 'Fetched by the node; its host must be in LLM_PRICE_IMPORT_HOSTS',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2_000)
  url?: string;

  @ApiPropertyOptional({ description: 'The price list itself (an object keyed by model name)' })
  @IsOptional()
  @IsObject()
  prices?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Only report what would change' })
  @IsOptional()
  @IsBoolean()
  dry_run?: boolean;
}
