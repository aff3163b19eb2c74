import { applyDecorators } from '@nestjs/common';
import { IsISO8601, Matches } from 'class-validator';

/**
 * An ISO-8601 instant: a date (midnight UTC) or a date-time with its offset. A time without an
 * offset would be read in the server's time zone, which an auditor cannot know.
 */
export const IsInstant = (): PropertyDecorator =>
  applyDecorators(
    IsISO8601({ strict: true }),
    Matches(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/, {
      message: '$property must be a date or a date-time with a time zone offset, e.g. 2026-01-31T12:00:00Z',
    }),
  );
