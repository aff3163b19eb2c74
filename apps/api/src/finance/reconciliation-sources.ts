import { asRequestCompleted, CREDIT_ACCOUNT_CATEGORY, REQUEST_COMPLETION_SOURCES } from '@ops/domain';
import {
  START,
  type EventFilter,
  type EventStore,
  type RecordedEvent,
} from '@ops/infra/event-store/event-store';
import { contains, type Period } from './period';

/** Per-user figures: a count or an amount in micro-USD. */
export type PerUser = Map<string, bigint>;

/** How each credit event moves the balance; holds and plan changes move nothing. */
const BALANCE_SIGN: Record<string, bigint> = {
  CreditsGranted: 1n,
  CreditsPurchased: 1n,
  CreditsRevoked: -1n,
  CreditsDebited: -1n,
};

const PAGE = 5_000;

async function* scan(store: EventStore, filter: EventFilter): AsyncGenerator<RecordedEvent> {
  let from = START;
  for (;;) {
    const page = await store.readAll({ from, filter, maxCount: PAGE });
    if (page.length === 0) return;
    yield* page;
    from = page[page.length - 1].position;
  }
}

function add(into: PerUser, userId: string, amount: bigint): void {
  into.set(userId, (into.get(userId) ?? 0n) + amount);
}

export interface LedgerFromEvents {
  balance: PerUser;
  inPeriod: PerUser;
  /** Purchases in the period, by event id, for the wallet top-up check. */
  purchases: Map<string, { userId: string; amountMicros: bigint }>;
}

/** The ledger as the log tells it: every balance-moving credit event, all time and in the period. */
export async function ledgerFromEvents(store: EventStore, period: Period): Promise<LedgerFromEvents> {
  const result: LedgerFromEvents = { balance: new Map(), inPeriod: new Map(), purchases: new Map() };
  const filter = { streamPrefixes: [CREDIT_ACCOUNT_CATEGORY], eventTypes: Object.keys(BALANCE_SIGN) };
  for await (const event of scan(store, filter)) {
    const userId = String(event.data.userId);
    const amount = BigInt(String(event.data.amountMicros)) * BALANCE_SIGN[event.type];
    add(result.balance, userId, amount);
    if (!contains(period, event.metadata.occurredAt)) continue;
    add(result.inPeriod, userId, amount);
    if (event.type === 'CreditsPurchased') result.purchases.set(event.id, { userId, amountMicros: amount });
  }
  return result;
}

export interface CompletedRequest {
  userId: string;
  costMicros: bigint;
}

/** Every completed request of the period, by event id, as the log tells it. */
export async function completedRequests(
  store: EventStore,
  period: Period,
): Promise<Map<string, CompletedRequest>> {
  const requests = new Map<string, CompletedRequest>();
  for await (const event of scan(store, REQUEST_COMPLETION_SOURCES)) {
    const completion = asRequestCompleted(event);
    if (!completion || !contains(period, event.metadata.occurredAt)) continue;
    requests.set(event.id, {
      userId: String(completion.data.userId),
      costMicros: BigInt(String(completion.data.costMicros)),
    });
  }
  return requests;
}
