import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';

/** Lago's external ids are free text on its side; ours stay printable and short. */
const LAGO_ID = /^[\x21-\x7e]{1,255}$/;

export class PutLagoSubscriptionDto {
  @ApiProperty({ example: 'sub_acme_2026', description: "The Lago subscription billing this user's usage" })
  @IsString()
  @Matches(LAGO_ID, { message: 'external_subscription_id must be 1-255 printable characters' })
  external_subscription_id!: string;

  @ApiPropertyOptional({ description: 'The Lago customer owning the wallet (default: the user id)' })
  @IsOptional()
  @IsString()
  @Matches(LAGO_ID, { message: 'external_customer_id must be 1-255 printable characters' })
  external_customer_id?: string;
}
