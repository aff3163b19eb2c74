import { Injectable, UnprocessableEntityException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Period } from './period';

export const LEDGER_COLUMNS = [
  'event_id',
  'occurred_at',
  'user_id',
  'kind',
  'amount_micros',
  'balance_after_micros',
  'reason',
  'actor',
] as const;

export type LedgerEntryRow = Record<(typeof LEDGER_COLUMNS)[number], string>;

export interface LedgerKindTotal {
  kind: string;
  entries: string;
  amount_micros: string;
}

/** One report answers at most this many entries; a longer period is asked for in parts. */
export const MAX_LEDGER_ENTRIES = 100_000;

/** The credit ledger (credit_transactions) over a period, oldest first, with totals per kind. */
@Injectable()
export class LedgerReportService {
  constructor(private readonly db: DataSource) {}

  async entries(period: Period): Promise<LedgerEntryRow[]> {
    const rows: LedgerEntryRow[] = await this.db.query(
      `SELECT event_id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
              user_id, kind, amount_micros::text, balance_after_micros::text, reason, actor
         FROM credit_transactions
        WHERE occurred_at >= $1 AND occurred_at < $2
        ORDER BY occurred_at, user_id, stream_revision
        LIMIT $3`,
      [period.start, period.end, MAX_LEDGER_ENTRIES + 1],
    );
    if (rows.length > MAX_LEDGER_ENTRIES) {
      throw new UnprocessableEntityException(
        `The period holds more than ${MAX_LEDGER_ENTRIES} ledger entries; ask for a shorter one`,
      );
    }
    return rows;
  }

  async totalsByKind(period: Period): Promise<LedgerKindTotal[]> {
    return this.db.query(
      `SELECT kind, count(*)::text AS entries, sum(amount_micros)::text AS amount_micros
         FROM credit_transactions WHERE occurred_at >= $1 AND occurred_at < $2
        GROUP BY kind ORDER BY kind`,
      [period.start, period.end],
    );
  }
}
