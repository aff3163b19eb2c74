import type { Micros } from '../shared/micros';
import type { SettledRequest } from './credit-account.events';

export interface GrantCredits {
  readonly type: 'GrantCredits';
  readonly userId: string;
  readonly amountMicros: Micros;
  readonly reason: string;
  /** The payment the grant comes with (a subscription's paid invoice): a repeat grants nothing. */
  readonly grantId?: string;
}

export interface RevokeCredits {
  readonly type: 'RevokeCredits';
  readonly userId: string;
  readonly amountMicros: Micros;
  readonly reason: string;
}

/** A paid purchase; a repeat with the same `externalId` (a payment provider retrying) decides nothing. */
export interface RecordCreditPurchase {
  readonly type: 'RecordCreditPurchase';
  readonly userId: string;
  readonly amountMicros: Micros;
  readonly package: string;
  readonly externalId: string;
  /** The payment's intent: refunds and disputes name the purchase by it. */
  readonly paymentIntentId: string;
}

/**
 * A refund or dispute of a purchase, as the payment provider reports it: takes back the credits that
 * were paid back (see `purchaseReversalTarget`), even below zero.
 */
export interface ReversePurchase {
  readonly type: 'ReversePurchase';
  readonly userId: string;
  readonly paymentIntentId: string;
  readonly trigger: 'refund' | 'dispute';
  /** For a refund, the total refunded so far (cumulative, as the charge reports it). */
  readonly reversedCents: number;
  readonly paidCents: number;
  /** The provider's id for the charge or dispute, quoted in the revocation's reason. */
  readonly reference: string;
}

/** Holds the worst-case cost of a request before its upstream call. */
export interface ReserveCredits {
  readonly type: 'ReserveCredits';
  readonly userId: string;
  readonly reservationId: string;
  readonly requestId: string;
  readonly amountMicros: Micros;
  /** ISO-8601 time of the request: picks the month the spend counts against and expires old holds. */
  readonly now: string;
  readonly ttlMs: number;
}

/** Charges the real cost of a reserved request, whatever became of its hold, and ends the hold. */
export interface SettleReservation {
  readonly type: 'SettleReservation';
  readonly userId: string;
  readonly reservationId: string;
  readonly costMicros: Micros;
  /** The request's record, carried by the debit (see CreditsDebited), also a debit of zero. */
  readonly request?: SettledRequest;
}

/** Ends a hold without charging: the request failed before anything was generated. */
export interface ReleaseReservation {
  readonly type: 'ReleaseReservation';
  readonly userId: string;
  readonly reservationId: string;
}

/** Releases every hold whose time ran out (a request that never settled: a crash, a lost process). */
export interface ExpireReservations {
  readonly type: 'ExpireReservations';
  readonly userId: string;
  readonly now: string;
}

export interface SetAccountPlan {
  readonly type: 'SetAccountPlan';
  readonly userId: string;
  readonly tier: string;
  readonly monthlyCapMicros: Micros | null;
  readonly defaultPowerLevel: string;
  readonly privacyMode: boolean;
}

/** Changes only the tier (a subscription's), keeping the rest of the plan as an admin set it. */
export interface SetAccountTier {
  readonly type: 'SetAccountTier';
  readonly userId: string;
  readonly tier: string;
}

export type CreditAccountCommand =
  | GrantCredits
  | RevokeCredits
  | RecordCreditPurchase
  | ReversePurchase
  | ReserveCredits
  | SettleReservation
  | ReleaseReservation
  | ExpireReservations
  | SetAccountPlan
  | SetAccountTier;
