import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  ValidateNested,
} from 'class-validator';
import { FinancePeriodDto } from './finance-queries.dto';

const PRICE = /^(0|[1-9]\d{0,12})$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}$/;
const PERCENT = /^(0|[1-9]\d{0,3})(\.\d{1,2})?$/;

/** One model's draft price, in the catalog's unit: micro-USD per million tokens. */
export class DraftPriceDto {
  @ApiProperty({ example: 'openai' })
  @IsString()
  @Matches(NAME, { message: 'provider must be a provider id' })
  provider!: string;

  @ApiProperty({ example: 'gpt-4o-mini' })
  @IsString()
  @Matches(NAME, { message: 'model must be a model id' })
  model!: string;

  @ApiProperty({ example: '200000', description: 'Micro-USD per million input tokens, as a string' })
  @IsString()
  @Matches(PRICE, { message: 'input_micros_per_million must be a non-negative integer, as a string' })
  input_micros_per_million!: string;

  @ApiProperty({ example: '800000', description: 'Micro-USD per million output tokens, as a string' })
  @IsString()
  @Matches(PRICE, { message: 'output_micros_per_million must be a non-negative integer, as a string' })
  output_micros_per_million!: string;

  @ApiPropertyOptional({
    example: '20000',
    description:
      "Micro-USD per million input tokens read from the prompt cache (default: the catalog's ratio to input)",
  })
  @IsOptional()
  @IsString()
  @Matches(PRICE, { message: 'cache_read_micros_per_million must be a non-negative integer, as a string' })
  cache_read_micros_per_million?: string;

  @ApiPropertyOptional({
    example: '250000',
    description:
      "Micro-USD per million input tokens written to the prompt cache for five minutes (default: the catalog's ratio to input; one-hour writes cost twice the input)",
  })
  @IsOptional()
  @IsString()
  @Matches(PRICE, { message: 'cache_write_micros_per_million must be a non-negative integer, as a string' })
  cache_write_micros_per_million?: string;
}

/** A draft price table: the period to re-price, model prices, and optionally another margin. */
export class WhatIfPricingDto extends FinancePeriodDto {
  @ApiProperty({ type: [DraftPriceDto], description: 'Models left out keep the price they were charged at' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2_000)
  @ValidateNested({ each: true })
  @Type(() => DraftPriceDto)
  prices!: DraftPriceDto[];

  @ApiPropertyOptional({
    example: { free: 20, starter: 15 },
    description: 'Markup percent by tier, as LLM_MARKUP_PERCENT (default: the configured margin)',
  })
  @IsOptional()
  @IsObject()
  markup_percent?: Record<string, unknown>;

  @ApiPropertyOptional({ example: '5', description: 'BYOK fee percent (default: the configured one)' })
  @IsOptional()
  @IsString()
  @Matches(PERCENT, { message: 'byok_fee_percent must be a percentage, at most two decimals, as a string' })
  byok_fee_percent?: string;
}
