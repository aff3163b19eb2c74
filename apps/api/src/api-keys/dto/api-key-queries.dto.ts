import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { USER_ID_PATTERN, USER_ID_RULE } from '@ops/domain';
import { IsOptional, IsString, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';

export class ApiKeyOwnerQueryDto {
  @ApiPropertyOptional({ description: "Admins only: whose keys (default: the caller's)" })
  @IsOptional()
  @IsString()
  @Matches(USER_ID_PATTERN, { message: `user_id must be ${USER_ID_RULE}` })
  user_id?: string;
}

export class ListApiKeysQueryDto extends IntersectionType(ApiKeyOwnerQueryDto, PageQueryDto) {}
