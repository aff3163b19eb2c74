import { ApiProperty } from '@nestjs/swagger';
import { POWER_LEVELS, TIERS, USER_ID_PATTERN, USER_ID_RULE } from '@ops/domain';
import { IsBoolean, IsIn, IsString, Matches, ValidateIf } from 'class-validator';

export class SetAccountPlanDto {
  @ApiProperty({ example: 'alice' })
  @IsString()
  @Matches(USER_ID_PATTERN, { message: `user_id must be ${USER_ID_RULE}` })
  user_id!: string;

  @ApiProperty({ enum: TIERS })
  @IsIn(TIERS)
  tier!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '20000000',
    description: 'Micro-USD per month, as a string; null: no cap',
  })
  @ValidateIf((_, value) => value !== null)
  @IsString({ message: 'monthly_cap_micros must be an integer number of micro-USD as a string, or null' })
  @Matches(/^\d{1,19}$/, { message: 'monthly_cap_micros must be a non-negative integer number of micro-USD' })
  monthly_cap_micros!: string | null;

  @ApiProperty({ enum: POWER_LEVELS })
  @IsIn(POWER_LEVELS)
  default_power_level!: string;

  @ApiProperty()
  @IsBoolean()
  privacy_mode!: boolean;
}
