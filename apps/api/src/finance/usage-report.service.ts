import { Injectable } from '@nestjs/common';
import { USAGE_MEASURES, UsageQueries, type UsageMeasures } from '@ops/read-models';
import { LagoSubscriptionsService } from './lago-subscriptions.service';
import type { Period } from './period';

export const USAGE_COLUMNS = [
  'user_id',
  'external_subscription_id',
  'day',
  'provider',
  'model',
  ...USAGE_MEASURES,
] as const;

export type UsageReportRow = Record<(typeof USAGE_COLUMNS)[number], string>;

/** Usage per customer, day and model, from the usage_daily summary (BYOK and platform keys summed). */
@Injectable()
export class UsageReportService {
  constructor(
    private readonly usage: UsageQueries,
    private readonly subscriptions: LagoSubscriptionsService,
  ) {}

  async rows(period: Period): Promise<UsageReportRow[]> {
    const days = await this.usage.perUserAndDay(period.from, period.to);
    const subscriptionIds = await this.subscriptions.externalSubscriptionIds([
      ...new Set(days.map((row) => row.user_id)),
    ]);
    // Lago bills a user without a mapping under their own id.
    return days.map(({ user_id, ...rest }) => ({
      user_id,
      external_subscription_id: subscriptionIds.get(user_id) ?? user_id,
      ...rest,
    }));
  }

  /** Column sums over the rows, exact (bigint), as strings. */
  totals(rows: readonly UsageReportRow[]): UsageMeasures {
    const totals = Object.fromEntries(USAGE_MEASURES.map((column) => [column, 0n])) as Record<
      keyof UsageMeasures,
      bigint
    >;
    for (const row of rows) for (const column of USAGE_MEASURES) totals[column] += BigInt(row[column]);
    return Object.fromEntries(
      USAGE_MEASURES.map((column) => [column, totals[column].toString()]),
    ) as UsageMeasures;
  }
}
