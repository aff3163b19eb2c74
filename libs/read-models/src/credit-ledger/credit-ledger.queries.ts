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
}
