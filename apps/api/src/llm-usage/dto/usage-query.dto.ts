import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { USER_ID_PATTERN, USER_ID_RULE } from '@ops/domain';
import { USAGE_DIMENSIONS, type UsageDimension } from '@ops/read-models';
import { ArrayNotEmpty, IsIn, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';

/**
 * A UTC date, or a date-time with its offset: a time without one would mean the server's zone.
 * IsISO8601 (strict) then refuses impossible dates such as February 30th.
 */
const DATE_OR_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
const DATE_MESSAGE = 'must be a date (YYYY-MM-DD) or a date-time with a time zone (ISO 8601)';

/** `group_by=day&group_by=model` and `group_by=day,model` mean the same; repeats count once. */
function dimensionList({ value }: { value: unknown }): unknown {
  if (value === undefined) return value;
  const parts = (Array.isArray(value) ? value : [value]).flatMap((part) =>
    typeof part === 'string' ? part.split(',').map((name) => name.trim()) : [part],
  );
  return [...new Set(parts)];
}

export class UsageQueryDto {
  @ApiPropertyOptional({
    example: '2025-01-01',
    description: 'Inclusive. Default: 30 days before `to`',
  })
  @IsOptional()
  @Matches(DATE_OR_DATE_TIME, { message: `from ${DATE_MESSAGE}` })
  @IsISO8601({ strict: true }, { message: `from ${DATE_MESSAGE}` })
  from?: string;

  @ApiPropertyOptional({
    example: '2025-01-31',
    description: 'Exclusive; a date alone includes that whole day (UTC). Default: the end of today (UTC)',
  })
  @IsOptional()
  @Matches(DATE_OR_DATE_TIME, { message: `to ${DATE_MESSAGE}` })
  @IsISO8601({ strict: true }, { message: `to ${DATE_MESSAGE}` })
  to?: string;

  @ApiPropertyOptional({
    enum: USAGE_DIMENSIONS,
    isArray: true,
    description: 'Repeat it or separate with commas; default `day`',
  })
  @IsOptional()
  @Transform(dimensionList)
  @ArrayNotEmpty()
  @IsIn(USAGE_DIMENSIONS, { each: true, message: `group_by must be among: ${USAGE_DIMENSIONS.join(', ')}` })
  group_by?: UsageDimension[];

  @ApiPropertyOptional({
    description: "Whose usage. Admins only for someone else's; admins omit it for every user",
  })
  @IsOptional()
  @IsString()
  @Matches(USER_ID_PATTERN, { message: `user_id must be ${USER_ID_RULE}` })
  user_id?: string;
}
