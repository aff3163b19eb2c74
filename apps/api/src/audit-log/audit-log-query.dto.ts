import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../common/pagination';

export class AuditLogQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Whose account: a local user name (host changes) or a user id (credit movements)',
  })
  @IsOptional()
  @IsString()
  // User ids run to 128 characters, usernames to 32.
  @MaxLength(128)
  user?: string;

  @ApiPropertyOptional({ description: 'Managed server id' })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  host?: string;

  @ApiPropertyOptional({ description: 'Who did it (user id)' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  actor?: string;

  @ApiPropertyOptional({ example: 'local_user.created' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  action?: string;

  @ApiPropertyOptional({ description: 'ISO-8601, inclusive' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO-8601, exclusive' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
