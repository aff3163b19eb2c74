import { Inject, Injectable } from '@nestjs/common';
import { LagoConfig } from '@ops/infra/config/features/lago-config';
import { EVENT_STORE, type EventStore } from '@ops/infra/event-store/event-store';
import { CreditLedgerQueries, UsageQueries } from '@ops/read-models';
import { DataSource } from 'typeorm';
import type { Period } from './period';
import { completedRequests, ledgerFromEvents, type PerUser } from './reconciliation-sources';

export interface Difference {
  check: string;
  user_id: string;
  /** What each source says, as decimal strings. */
  values: Record<string, string>;
}

export interface ParkedEventView {
  event_id: string;
  kind: string;
  user_id: string;
  reason: string;
  occurred_at: string;
  parked_at: string;
}

export interface ReconciliationReport {
  from: string;
  to: string;
  agrees: boolean;
  lago_sync: 'on' | 'off';
  totals: Record<string, Record<string, string>>;
  differences: Difference[];
  parked: ParkedEventView[];
}

function sum(values: PerUser): string {
  let total = 0n;
  for (const value of values.values()) total += value;
  return total.toString();
}

/** Every user on which the sources of one check disagree, with what each of them says. */
function compare(check: string, sources: Record<string, PerUser>): Difference[] {
  const users = new Set(Object.values(sources).flatMap((source) => [...source.keys()]));
  const differences: Difference[] = [];
  for (const userId of [...users].sort()) {
    const values = Object.fromEntries(
      Object.entries(sources).map(([name, source]) => [name, (source.get(userId) ?? 0n).toString()]),
    );
    if (new Set(Object.values(values)).size > 1) differences.push({ check, user_id: userId, values });
  }
  return differences;
}

/**
 * Shows that the log, the read models and what reached Lago agree, per user, and lists each place
 * where they do not. Balances are checked over all time (a balance sums the whole ledger), movements
 * and usage over the period. A projection still catching up shows as a difference until it has.
 */
@Injectable()
export class ReconciliationService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly db: DataSource,
    private readonly creditLedger: CreditLedgerQueries,
    private readonly usage: UsageQueries,
    private readonly config: LagoConfig,
  ) {}

  async report(period: Period): Promise<ReconciliationReport> {
    const ledger = await ledgerFromEvents(this.store, period);
    const requests = await completedRequests(this.store, period);
    const range = [period.start, period.end];

    const balances = await this.creditLedger.balancesPerUser();
    const transactions = await this.creditLedger.movementsPerUser();
    const transactionsInPeriod = await this.creditLedger.movementsPerUser(period);
    const { requests: dailyRequests, costMicros: dailyCost } = await this.usage.completedPerUser(
      period.start,
      period.end,
    );
    const delivered: { user_id: string; kind: string; count: string; amount: string }[] = await this.db.query(
      `SELECT user_id, kind, count(*)::text AS count, sum(amount_micros)::text AS amount
         FROM lago_deliveries WHERE status <> 'pending' AND occurred_at >= $1 AND occurred_at < $2
        GROUP BY user_id, kind`,
      range,
    );
    const parked: ParkedEventView[] = await this.db.query(
      `SELECT event_id, kind, user_id, reason,
              to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
              to_char(parked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS parked_at
         FROM lago_parked_events WHERE occurred_at >= $1 AND occurred_at < $2 ORDER BY occurred_at, event_id`,
      range,
    );
    const parkedIds = new Set(parked.map((row) => row.event_id));

    const eventRequests: PerUser = new Map();
    const eventCost: PerUser = new Map();
    const expectedInLago = { requests: new Map() as PerUser, cost: new Map() as PerUser };
    for (const [eventId, request] of requests) {
      eventRequests.set(request.userId, (eventRequests.get(request.userId) ?? 0n) + 1n);
      eventCost.set(request.userId, (eventCost.get(request.userId) ?? 0n) + request.costMicros);
      if (parkedIds.has(eventId)) continue;
      expectedInLago.requests.set(request.userId, (expectedInLago.requests.get(request.userId) ?? 0n) + 1n);
      expectedInLago.cost.set(
        request.userId,
        (expectedInLago.cost.get(request.userId) ?? 0n) + request.costMicros,
      );
    }
    const expectedTopUps: PerUser = new Map();
    for (const [eventId, purchase] of ledger.purchases) {
      if (parkedIds.has(eventId)) continue;
      expectedTopUps.set(
        purchase.userId,
        (expectedTopUps.get(purchase.userId) ?? 0n) + purchase.amountMicros,
      );
    }
    const sent = (kind: string, column: 'count' | 'amount'): PerUser =>
      new Map(delivered.filter((row) => row.kind === kind).map((row) => [row.user_id, BigInt(row[column])]));

    const lagoOn = Boolean(this.config.LAGO_API_URL && this.config.LAGO_API_KEY);
    const differences = [
      ...compare('balance', {
        events: ledger.balance,
        credit_balances: balances,
        credit_transactions: transactions,
      }),
      ...compare('ledger_in_period', { events: ledger.inPeriod, credit_transactions: transactionsInPeriod }),
      ...compare('usage_requests', { events: eventRequests, usage_daily: dailyRequests }),
      ...compare('usage_cost_micros', { events: eventCost, usage_daily: dailyCost }),
      ...(lagoOn
        ? [
            ...compare('lago_usage_events', {
              expected: expectedInLago.requests,
              lago: sent('usage', 'count'),
            }),
            ...compare('lago_usage_cost_micros', {
              expected: expectedInLago.cost,
              lago: sent('usage', 'amount'),
            }),
            ...compare('lago_top_ups_micros', {
              expected: expectedTopUps,
              lago: sent('wallet_top_up', 'amount'),
            }),
          ]
        : []),
    ];
    return {
      from: period.from,
      to: period.to,
      agrees: differences.length === 0 && parked.length === 0,
      lago_sync: lagoOn ? 'on' : 'off',
      totals: {
        balance_micros: {
          events: sum(ledger.balance),
          credit_balances: sum(balances),
          credit_transactions: sum(transactions),
        },
        ledger_in_period_micros: {
          events: sum(ledger.inPeriod),
          credit_transactions: sum(transactionsInPeriod),
        },
        usage_requests: {
          events: sum(eventRequests),
          usage_daily: sum(dailyRequests),
          lago: sum(sent('usage', 'count')),
        },
        usage_cost_micros: {
          events: sum(eventCost),
          usage_daily: sum(dailyCost),
          lago: sum(sent('usage', 'amount')),
        },
        top_ups_micros: { purchases: sum(expectedTopUps), lago: sum(sent('wallet_top_up', 'amount')) },
      },
      differences,
      parked,
    };
  }
}
