import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsInstant } from './instant';

/** What every stream name is made of (categories, user and host ids, usernames, request ids). */
export const STREAM_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@/-]{0,299}$/;
export const MAX_PAGE_SIZE = 1_000;

export class AuditEventsQueryDto {
  @ApiPropertyOptional({ description: 'Exact stream name', example: 'credit-account-alice' })
  @IsOptional()
  @Matches(STREAM_NAME_PATTERN, { message: 'stream must be a stream name' })
  stream?: string;

  @ApiPropertyOptional({ description: 'Stream-name prefix', example: 'local-user-' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  category?: string;

  @ApiPropertyOptional({ description: 'Event type', example: 'CreditsGranted' })
  @IsOptional()
  @Matches(/^[A-Za-z][A-Za-z0-9_.]{0,127}$/, { message: 'type must be an event type name' })
  type?: string;

  @ApiPropertyOptional({ description: 'Who caused the event (`metadata.actor`)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  actor?: string;

  @ApiPropertyOptional({
    description: 'Recorded time (when the store wrote the event, not `metadata.occurredAt`), inclusive',
  })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'Recorded time, exclusive' })
  @IsOptional()
  @IsInstant()
  to?: string;

  @ApiPropertyOptional({
    description: '`next_cursor` of the previous page, or any event `position`: events strictly after it',
  })
  @IsOptional()
  @Matches(/^\d{20}:\d{20}$/, { message: 'cursor must be a next_cursor or an event position' })
  cursor?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    description: 'Page size (default 100); with NDJSON, the most events streamed (default: all)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;
}

export class StreamParamsDto {
  @Matches(STREAM_NAME_PATTERN, { message: 'stream must be a stream name' })
  stream!: string;
}

export class StreamQueryDto {
  @ApiPropertyOptional({
    description: 'First revision to return (0-based); `next_cursor` of the previous page',
  })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'cursor must be a revision' })
  cursor?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    description: 'Page size (default 1000); with NDJSON, the most events streamed (default: all)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;
}
