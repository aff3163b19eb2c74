import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { UsageRowView, UsageTotalsView, UsageView } from '../dto/usage-views.dto';
import { GetUsageQuery } from './get-usage.query';
import { usageStatement } from './usage-sql';

/** Bounds one answer: a year of days times models times users is more than a client should take at once. */
export const MAX_USAGE_ROWS = 10_000;

@QueryHandler(GetUsageQuery)
export class GetUsageHandler implements IQueryHandler<GetUsageQuery, UsageView> {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async execute({ userId, range, groupBy }: GetUsageQuery): Promise<UsageView> {
    const keys = userId === null ? (['user_id', ...groupBy] as const) : groupBy;
    const rowsStatement = usageStatement(range, userId, keys, MAX_USAGE_ROWS + 1);
    const totalsStatement = usageStatement(range, userId, []);
    const [rows, [totals]]: [UsageRowView[], UsageTotalsView[]] = await Promise.all([
      this.db.query(rowsStatement.sql, rowsStatement.parameters),
      this.db.query(totalsStatement.sql, totalsStatement.parameters),
    ]);
    return {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      user_id: userId,
      group_by: [...groupBy],
      totals,
      rows: rows.slice(0, MAX_USAGE_ROWS),
      truncated: rows.length > MAX_USAGE_ROWS,
    };
  }
}
