import { FieldErrorsException } from '@ops/infra/http/problem-details';
import type { UsageRange } from '@ops/read-models';

const DAY_MS = 86_400_000;
export const DEFAULT_RANGE_DAYS = 30;
/** A year and a day: a whole leap year fits, and no query scans more than that. */
export const MAX_RANGE_DAYS = 366;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function startOfUtcDay(time: Date): Date {
  return new Date(Math.floor(time.getTime() / DAY_MS) * DAY_MS);
}

/**
 * The half-open interval [from, to) a query asks for. A date alone is its UTC midnight, except for
 * `to`, where it includes that day: `from=2025-01-01&to=2025-01-31` is all of January. Without
 * bounds: the last 30 UTC days, today included.
 */
export function resolveUsageRange(from: string | undefined, to: string | undefined, now: Date): UsageRange {
  const end = to === undefined ? new Date(startOfUtcDay(now).getTime() + DAY_MS) : parseBound(to, true);
  const start =
    from === undefined ? new Date(end.getTime() - DEFAULT_RANGE_DAYS * DAY_MS) : parseBound(from, false);
  if (start.getTime() >= end.getTime()) {
    throw new FieldErrorsException([{ field: 'from', message: 'from must be before to' }]);
  }
  if (end.getTime() - start.getTime() > MAX_RANGE_DAYS * DAY_MS) {
    throw new FieldErrorsException([
      { field: 'to', message: `the range from from to to must be at most ${MAX_RANGE_DAYS} days` },
    ]);
  }
  const aligned = (time: Date) => time.getTime() % DAY_MS === 0;
  return { from: start, to: end, wholeDays: aligned(start) && aligned(end) };
}

function parseBound(text: string, endOfDay: boolean): Date {
  const time = new Date(DATE_ONLY.test(text) ? `${text}T00:00:00Z` : text);
  return endOfDay && DATE_ONLY.test(text) ? new Date(time.getTime() + DAY_MS) : time;
}
