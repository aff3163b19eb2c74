import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { InjectRepository } from '@nestjs/typeorm';
import { CreditTransactionRow } from '@ops/read-models';
import { LessThan, type Repository } from 'typeorm';
import type { CreditHistoryView } from '../dto/credit-views.dto';
import { GetCreditHistoryQuery } from './get-credit-history.query';

@QueryHandler(GetCreditHistoryQuery)
export class GetCreditHistoryHandler implements IQueryHandler<GetCreditHistoryQuery, CreditHistoryView> {
  constructor(
    @InjectRepository(CreditTransactionRow) private readonly transactions: Repository<CreditTransactionRow>,
  ) {}

  async execute({ userId, limit, beforeRevision }: GetCreditHistoryQuery): Promise<CreditHistoryView> {
    // Keyset pagination on the stream revision: stable under concurrent inserts, cheap at any depth.
    const rows = await this.transactions.find({
      where: {
        userId,
        ...(beforeRevision !== undefined ? { streamRevision: LessThan(beforeRevision) } : {}),
      },
      order: { streamRevision: 'DESC' },
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      user_id: userId,
      items: page.map((row) => ({
        id: row.eventId,
        kind: row.kind,
        amount_micros: row.amountMicros,
        balance_after_micros: row.balanceAfterMicros,
        reason: row.reason,
        actor: row.actor,
        occurred_at: row.occurredAt.toISOString(),
        revision: row.streamRevision,
      })),
      next_cursor: rows.length > limit ? page[page.length - 1].streamRevision : null,
    };
  }
}
