import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, type Repository } from 'typeorm';
import type { RowPage } from '../paging';
import { CreditBalanceRow } from './credit-balance.table';
import { CreditTransactionRow } from './credit-transaction.table';

export interface CreditBalance {
  balanceMicros: string;
  /** Null for an account nobody has credited yet. */
  updatedAt: Date | null;
}

/** A ledger entry as reports show it, every field text (amounts exact, times ISO in UTC). */
export const LEDGER_ENTRY_COLUMNS = [
  'event_id',
  'occurred_at',
  'user_id',
  'kind',
  'amount_micros',
  'balance_after_micros',
  'reason',
  'actor',
] as const;

export type LedgerEntryRow = Record<(typeof LEDGER_ENTRY_COLUMNS)[number], string>;

export interface LedgerKindTotal {
  kind: string;
  entries: string;
  amount_micros: string;
}

/** A half-open interval `[start, end)` of the movements' times. */
export interface LedgerInterval {
  readonly start: Date;
  readonly end: Date;
}

export interface CreditHistoryRequest {
  readonly limit: number;
  /** The revision to page before (exclusive); absent for the newest page. */
  readonly beforeRevision?: string;
}

@Injectable()
export class CreditLedgerQueries {
  constructor(
    @InjectRepository(CreditBalanceRow) private readonly balances: Repository<CreditBalanceRow>,
    @InjectRepository(CreditTransactionRow) private readonly transactions: Repository<CreditTransactionRow>,
  ) {}

  async balance(userId: string): Promise<CreditBalance> {
    const row = await this.balances.findOneBy({ userId });
    // An account nobody has credited yet simply has nothing in it.
    return { balanceMicros: row?.balanceMicros ?? '0', updatedAt: row?.updatedAt ?? null };
  }

  /**
   * The account's movements, newest first. Keyset pagination on the stream revision: stable under
   * concurrent inserts, cheap at any depth; the cursor is the last revision of the page.
   */
  async history(
    userId: string,
    { limit, beforeRevision }: CreditHistoryRequest,
  ): Promise<RowPage<CreditTransactionRow>> {
    const rows = await this.transactions.find({
      where: {
        userId,
        ...(beforeRevision !== undefined ? { streamRevision: LessThan(beforeRevision) } : {}),
      },
      order: { streamRevision: 'DESC' },
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    return { rows: page, next_cursor: rows.length > limit ? page[page.length - 1].streamRevision : null };
  }

  /** The movements of an interval, oldest first: at most `limit` of them. */
  entries({ start, end }: LedgerInterval, limit: number): Promise<LedgerEntryRow[]> {
    return this.transactions.query(
      `SELECT event_id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
              user_id, kind, amount_micros::text, balance_after_micros::text, reason, actor
         FROM credit_transactions
        WHERE occurred_at >= $1 AND occurred_at < $2
        ORDER BY occurred_at, user_id, stream_revision
        LIMIT $3`,
      [start, end, limit],
    );
  }

  /** How many movements of each kind an interval holds, and their sum. */
  totalsByKind({ start, end }: LedgerInterval): Promise<LedgerKindTotal[]> {
    return this.transactions.query(
      `SELECT kind, count(*)::text AS entries, sum(amount_micros)::text AS amount_micros
         FROM credit_transactions WHERE occurred_at >= $1 AND occurred_at < $2
        GROUP BY kind ORDER BY kind`,
      [start, end],
    );
  }

  /** Every account's balance, by user id. */
  async balancesPerUser(): Promise<Map<string, bigint>> {
    return perUser(
      await this.balances.query('SELECT user_id, balance_micros::text AS value FROM credit_balances'),
    );
  }

  /** The sum of each account's movements, over all time or over an interval, by user id. */
  async movementsPerUser(interval?: LedgerInterval): Promise<Map<string, bigint>> {
    const rows: PerUserRow[] =
      interval === undefined
        ? await this.transactions.query(
            'SELECT user_id, sum(amount_micros)::text AS value FROM credit_transactions GROUP BY user_id',
          )
        : await this.transactions.query(
            `SELECT user_id, sum(amount_micros)::text AS value FROM credit_transactions
              WHERE occurred_at >= $1 AND occurred_at < $2 GROUP BY user_id`,
            [interval.start, interval.end],
          );
    return perUser(rows);
  }
}

interface PerUserRow {
  user_id: string;
  value: string;
}

function perUser(rows: readonly PerUserRow[]): Map<string, bigint> {
  return new Map(rows.map((row) => [row.user_id, BigInt(row.value)]));
}
