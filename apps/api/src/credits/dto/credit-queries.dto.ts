import { ApiPropertyOptional } from '@nestjs/swagger';
import { USER_ID_PATTERN, USER_ID_RULE } from '@ops/domain';
import { IsOptional, IsString, Matches } from 'class-validator';
import { IsPageSize } from '../../common/pagination';

export class CreditAccountQueryDto {
  @ApiPropertyOptional({ description: 'Admins only: whose account to read (default: the caller)' })
  @IsOptional()
  @IsString()
  @Matches(USER_ID_PATTERN, { message: `user_id must be ${USER_ID_RULE}` })
  user_id?: string;
}

export class CreditHistoryQueryDto extends CreditAccountQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsPageSize(200)
  limit?: number;

  @ApiPropertyOptional({ description: '`next_cursor` of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'cursor must be the next_cursor of a previous page' })
  cursor?: string;
}
