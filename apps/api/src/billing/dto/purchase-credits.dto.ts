import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export class PurchaseCreditsDto {
  @ApiProperty({ example: 'starter-10', description: 'Id of one of the configured credit packages' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: 'package must be the id of a credit package' })
  package!: string;
}
