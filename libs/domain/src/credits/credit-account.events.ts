import type { RequestCompleted, RequestRoute } from '../llm-requests/llm-request.events';
import type { DomainEvent } from '../shared/decider';

/**
 * Amounts travel as decimal strings of micro-USD. `grantId` (schema 2) is the payment a grant comes
 * with (a subscription's paid invoice), one grant per id; an admin's grant has none.
 */
export type CreditsGranted = DomainEvent<
  'CreditsGranted',
  { userId: string; amountMicros: string; reason: string; grantId?: string }
>;

/**
 * A paid purchase (Stripe); `externalId` is the payment provider's id, one purchase per id.
 * `paymentIntentId` (schema 2) links the purchase to the charge a refund or dispute later names.
 */
export type CreditsPurchased = DomainEvent<
  'CreditsPurchased',
  { userId: string; amountMicros: string; package: string; externalId: string; paymentIntentId?: string }
>;

/**
 * Credits taken back. An admin's revocation (no `paymentIntentId`) never takes more than is available;
 * a refund or dispute of a purchase (schema 2: `paymentIntentId` and `trigger` set) takes back what
 * was paid back, even if that drives the balance below zero because the credits were already spent.
 */
export type CreditsRevoked = DomainEvent<
  'CreditsRevoked',
  {
    userId: string;
    amountMicros: string;
    reason: string;
    paymentIntentId?: string;
    trigger?: 'refund' | 'dispute';
  }
>;

/**
 * Worst-case cost held before an upstream call. `period` is the calendar month (UTC, `YYYY-MM`) the
 * spend counts against; `expiresAt` is when an unsettled hold is released by itself.
 */
export type CreditsReserved = DomainEvent<
  'CreditsReserved',
  {
    userId: string;
    reservationId: string;
    requestId: string;
    amountMicros: string;
    period: string;
    expiresAt: string;
  }
>;

type Optional<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

/**
 * A completed request's record as its debit carries it: its RequestCompleted without what the debit
 * already says (`userId`, `requestId`, `costMicros` is `amountMicros`, the route's `reservationId`),
 * and without the fields that hold their usual value (`false`, `null`, `endpoint` chat, the route's
 * `streamed` and `requestedModel` when they repeat the request's): a request's storage is mostly its
 * debit. `asRequestCompleted` restores them.
 */
export type SettledRequest = Optional<
  Omit<RequestCompleted['data'], 'userId' | 'requestId' | 'costMicros' | 'route'>,
  'byok' | 'streamed' | 'clientDisconnected' | 'usageEstimated' | 'endpoint'
> & {
  route?: SettledRoute;
};

type SettledRoute = Optional<
  Omit<RequestRoute, 'reservationId' | 'candidates'>,
  'apiKeyId' | 'privacy' | 'controls' | 'streamed' | 'requestedModel'
> & {
  candidates: Optional<RequestRoute['candidates'][number], 'byok'>[];
};

/**
 * The real cost of a settled request, always the whole of it. `overdraftMicros` (schema 2) is the part
 * no open hold covered: the cost beyond the hold, or all of it when the hold had already ended. That
 * part may take the balance below zero. `releasedMicros` (schema 3) is the open hold this debit also
 * ends, all of it; a debit without it (schema 1-2, or a hold that had already ended) was followed by
 * a `CreditsReleased` (reason `settled`) when the hold was open. `request` (schema 4) is the request's
 * record, which a request with a hold no longer stores as a RequestCompleted of its own: one event fewer
 * per request; `asRequestCompleted` reads it as one. Such a debit may be of zero, to end the hold.
 */
export type CreditsDebited = DomainEvent<
  'CreditsDebited',
  {
    userId: string;
    reservationId: string;
    requestId: string;
    amountMicros: string;
    period: string;
    overdraftMicros?: string;
    releasedMicros?: string;
    request?: SettledRequest;
  }
>;

/** A hold ends: `settled` (after its debit), `failed` (nothing was charged) or `expired`. */
export type CreditsReleased = DomainEvent<
  'CreditsReleased',
  {
    userId: string;
    reservationId: string;
    requestId: string;
    amountMicros: string;
    reason: 'settled' | 'failed' | 'expired';
  }
>;

/**
 * The account's plan: tier, monthly cap (null: no cap), default power level and privacy mode. Tier
 * changes take effect on the next request because the gateway reads them from this stream.
 */
export type AccountPlanChanged = DomainEvent<
  'AccountPlanChanged',
  {
    userId: string;
    tier: string;
    monthlyCapMicros: string | null;
    defaultPowerLevel: string;
    privacyMode: boolean;
  }
>;

export type CreditAccountEvent =
  | CreditsGranted
  | CreditsPurchased
  | CreditsRevoked
  | CreditsReserved
  | CreditsDebited
  | CreditsReleased
  | AccountPlanChanged;

/** Version of each event's data shape, recorded in the envelope so old events stay readable. */
export const CREDIT_ACCOUNT_SCHEMA_VERSIONS: Record<CreditAccountEvent['type'], number> = {
  CreditsGranted: 2,
  CreditsPurchased: 2,
  CreditsRevoked: 2,
  CreditsReserved: 1,
  CreditsDebited: 4,
  CreditsReleased: 1,
  AccountPlanChanged: 1,
};

export const CREDIT_ACCOUNT_EVENT_TYPES = Object.keys(
  CREDIT_ACCOUNT_SCHEMA_VERSIONS,
) as readonly CreditAccountEvent['type'][];
