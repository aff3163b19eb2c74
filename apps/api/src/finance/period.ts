import { FieldErrorsException } from '@ops/infra/http/problem-details';

/** The longest period a report covers in one request. */
export const MAX_PERIOD_DAYS = 366;
const DAY_MS = 86_400_000;

/** A period of whole UTC days: `[start, end)` as instants, and its inclusive day bounds. */
export interface Period {
  from: string;
  to: string;
  start: Date;
  end: Date;
}

export function periodOf(from: string, to: string): Period {
  const start = new Date(`${from}T00:00:00.000Z`);
  const last = new Date(`${to}T00:00:00.000Z`);
  // Matches lets 2026-02-31 through; a real date round-trips to the same text.
  if (start.toISOString().slice(0, 10) !== from)
    throw new FieldErrorsException([{ field: 'from', message: 'from is not a calendar date' }]);
  if (last.toISOString().slice(0, 10) !== to)
    throw new FieldErrorsException([{ field: 'to', message: 'to is not a calendar date' }]);
  const days = (last.getTime() - start.getTime()) / DAY_MS + 1;
  if (days < 1) throw new FieldErrorsException([{ field: 'to', message: 'to must not be before from' }]);
  if (days > MAX_PERIOD_DAYS)
    throw new FieldErrorsException([
      { field: 'to', message: `a period spans at most ${MAX_PERIOD_DAYS} days` },
    ]);
  return { from, to, start, end: new Date(last.getTime() + DAY_MS) };
}

export function contains(period: Period, isoInstant: string): boolean {
  const time = Date.parse(isoInstant);
  return time >= period.start.getTime() && time < period.end.getTime();
}
