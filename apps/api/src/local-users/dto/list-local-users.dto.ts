import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { HostQueryDto, trueString } from './local-user-requests.dto';

export class ListSshKeysQueryDto extends IntersectionType(HostQueryDto, PageQueryDto) {}

export class ListLocalUsersQueryDto extends IntersectionType(HostQueryDto, PageQueryDto) {
  @ApiPropertyOptional({ description: "Every host's accounts, by host then username (instead of `host`)" })
  @IsOptional()
  @Transform(trueString)
  @IsBoolean()
  all_hosts?: boolean;
}
