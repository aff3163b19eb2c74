import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { USER_ID_PATTERN, USER_ID_RULE } from '@ops/domain';
import { IsString, Length, Matches } from 'class-validator';

/** Accepts a JSON integer only while it is exact; anything larger must come as a string. */
function integerToString({ value }: { value: unknown }): unknown {
  return typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
}

export class GrantCreditsDto {
  @ApiProperty({
    example: 'alice',
    description: 'The account credited: the user id from the identity provider',
  })
  @IsString()
  @Matches(USER_ID_PATTERN, { message: `user_id must be ${USER_ID_RULE}` })
  user_id!: string;

  @ApiProperty({
    example: '5000000',
    description: 'Micro-USD (1 USD = 1,000,000), positive, at most 1,000,000 USD',
  })
  @Transform(integerToString)
  @IsString({ message: 'amount_micros must be an integer number of micro-USD, as a string' })
  @Matches(/^-?\d{1,19}$/, { message: 'amount_micros must be an integer number of micro-USD' })
  amount_micros!: string;

  @ApiProperty({ example: 'welcome bonus' })
  @IsString()
  @Length(1, 500)
  reason!: string;
}
