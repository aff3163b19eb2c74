import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { InjectRepository } from '@nestjs/typeorm';
import { CreditBalanceRow } from '@ops/read-models';
import type { Repository } from 'typeorm';
import type { CreditBalanceView } from '../dto/credit-views.dto';
import { GetCreditBalanceQuery } from './get-credit-balance.query';

@QueryHandler(GetCreditBalanceQuery)
export class GetCreditBalanceHandler implements IQueryHandler<GetCreditBalanceQuery, CreditBalanceView> {
  constructor(@InjectRepository(CreditBalanceRow) private readonly balances: Repository<CreditBalanceRow>) {}

  async execute({ userId }: GetCreditBalanceQuery): Promise<CreditBalanceView> {
    const row = await this.balances.findOneBy({ userId });
    // An account nobody has credited yet simply has nothing in it.
    return {
      user_id: userId,
      balance_micros: row?.balanceMicros ?? '0',
      updated_at: row ? row.updatedAt.toISOString() : null,
    };
  }
}
