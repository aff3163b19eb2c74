import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { USER_ID_PATTERN, USER_ID_RULE } from '@ops/domain';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export class CreditAccountQueryDto {
  @ApiPropertyOptional({ description: 'Admins only: whose account to read (default: the caller)' })
  @IsOptional()
  @IsString()
  @Matches(USER_ID_PATTERN, { message: `user_id must be ${USER_ID_RULE}` })
  user_id?: string;
}

export class CreditHistoryQueryDto extends CreditAccountQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: '`next_cursor` of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'cursor must be the next_cursor of a previous page' })
  cursor?: string;
}
