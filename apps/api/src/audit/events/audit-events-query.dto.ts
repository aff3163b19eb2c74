import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { STREAM_CATEGORIES } from '@ops/domain';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { GLOBAL_POSITION_PATTERN } from '@ops/infra/event-store/position';
import { IsPageSize } from '../../common/pagination';
import { IsInstant } from './instant';

/** What every stream name is made of (categories, user and host ids, usernames, request ids). */
export const STREAM_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@/-]{0,299}$/;
export const MAX_PAGE_SIZE = 1_000;

export class AuditEventsQueryDto {
  @ApiPropertyOptional({ description: 'Exact stream name', example: 'credit-account-alice' })
  @IsOptional()
  @Matches(STREAM_NAME_PATTERN, { message: 'stream must be a stream name' })
  stream?: string;

  @ApiPropertyOptional({
    description: 'Stream category: the streams whose name starts with it',
    enum: STREAM_CATEGORIES,
    example: 'local-user-',
  })
  @IsOptional()
  @IsIn(STREAM_CATEGORIES, { message: `category must be one of: ${STREAM_CATEGORIES.join(', ')}` })
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
  @Matches(GLOBAL_POSITION_PATTERN, { message: 'cursor must be a next_cursor or an event position' })
  cursor?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    description: 'Page size (default 100); with NDJSON, the most events streamed (default: all)',
  })
  @IsPageSize(MAX_PAGE_SIZE)
  limit?: number;
}

/**
 * The route pattern that takes a stream name: the rest of the path, so `local-user-local/carol`
 * reads as written; its `/` may also come URL-encoded (`%2F`), and both name the same stream.
 */
export const STREAM_ROUTE = 'streams/*stream';

export const STREAM_PATH_DOC = {
  name: 'stream',
  description:
    'The stream name as the rest of the path (`local-user-local/carol`) or URL-encoded (`local-user-local%2Fcarol`). ' +
    'A name whose last part is itself a route suffix (e.g. a user named `verify`) must be encoded.',
  example: 'local-user-local/carol',
};

export class StreamParamsDto {
  // Express hands a path remainder over as its segments, each already decoded.
  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value.join('/') : value))
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
  @IsPageSize(MAX_PAGE_SIZE)
  limit?: number;
}
