import type { Micros } from '../shared/micros';
import type { CreditAccountEvent } from './credit-account.events';

export interface OpenReservation {
  readonly requestId: string;
  readonly amountMicros: Micros;
  readonly period: string;
  /** ISO-8601; compared as strings, which orders correctly for one fixed format. */
  readonly expiresAt: string;
}

/** A hold that ended without a debit (failed or expired): a late settle still charges its request. */
export interface EndedHold {
  readonly requestId: string;
  readonly period: string;
}

/** A purchase that a refund or dispute can reverse, by its payment intent. */
export interface PaidPurchase {
  readonly purchasedMicros: Micros;
  /** What refunds and disputes took back so far; never more than `purchasedMicros`. */
  readonly revokedMicros: Micros;
}

/**
 * Ended holds remembered for a late settle. A request settles before its hold's lifetime (streams
 * are cut before it), so only the latest few can still be settled; the bound keeps the state small.
 */
export const MAX_ENDED_HOLDS = 1_000;

export interface AccountPlan {
  readonly tier: string;
  /** Null: no monthly cap. */
  readonly monthlyCapMicros: Micros | null;
  readonly defaultPowerLevel: string;
  readonly privacyMode: boolean;
}

export interface CreditAccountState {
  /** Grants and purchases, less revocations and debits. Reservations do not change it. */
  readonly balanceMicros: Micros;
  /** Sum of the open reservations: what in-flight requests may still cost. */
  readonly reservedMicros: Micros;
  readonly reservations: ReadonlyMap<string, OpenReservation>;
  /** Debits per calendar month (`YYYY-MM`, UTC). */
  readonly spentByPeriod: ReadonlyMap<string, Micros>;
  readonly plan: AccountPlan;
  /** Payment ids already credited (purchases and paid grants), so a provider's retries credit once. */
  readonly purchases: ReadonlySet<string>;
  /** Purchases by payment intent id, for refunds and disputes. */
  readonly payments: ReadonlyMap<string, PaidPurchase>;
  /** Holds that ended without a debit, oldest first, at most MAX_ENDED_HOLDS. */
  readonly endedHolds: ReadonlyMap<string, EndedHold>;
  /** The latest debit, so whoever settled a request learns what it charged beyond its hold. */
  readonly lastDebit: LastDebit | null;
}

export interface LastDebit {
  readonly reservationId: string;
  readonly amountMicros: Micros;
  readonly overdraftMicros: Micros;
}

/** An account nobody configured: the free tier, no cap, balanced power, privacy off. */
export const DEFAULT_PLAN: AccountPlan = {
  tier: 'free',
  monthlyCapMicros: null,
  defaultPowerLevel: 'balanced',
  privacyMode: false,
};

export const INITIAL_CREDIT_ACCOUNT: CreditAccountState = {
  balanceMicros: 0n,
  reservedMicros: 0n,
  reservations: new Map(),
  spentByPeriod: new Map(),
  plan: DEFAULT_PLAN,
  purchases: new Set(),
  payments: new Map(),
  endedHolds: new Map(),
  lastDebit: null,
};

export function availableMicros(state: CreditAccountState): Micros {
  return state.balanceMicros - state.reservedMicros;
}

export function spentInPeriod(state: CreditAccountState, period: string): Micros {
  return state.spentByPeriod.get(period) ?? 0n;
}

/** The calendar month (UTC) an ISO-8601 instant falls in. */
export function periodOf(isoInstant: string): string {
  return new Date(isoInstant).toISOString().slice(0, 7);
}

function withReservation(
  reservations: ReadonlyMap<string, OpenReservation>,
  id: string,
  reservation: OpenReservation | undefined,
): ReadonlyMap<string, OpenReservation> {
  const next = new Map(reservations);
  if (reservation) next.set(id, reservation);
  else next.delete(id);
  return next;
}

function withEndedHold(
  endedHolds: ReadonlyMap<string, EndedHold>,
  id: string,
  hold: EndedHold | undefined,
): ReadonlyMap<string, EndedHold> {
  if (!hold && !endedHolds.has(id)) return endedHolds;
  const next = new Map(endedHolds);
  if (!hold) {
    next.delete(id);
    return next;
  }
  next.set(id, hold);
  for (const oldest of next.keys()) {
    if (next.size <= MAX_ENDED_HOLDS) break;
    next.delete(oldest);
  }
  return next;
}

function withRevokedPayment(
  payments: ReadonlyMap<string, PaidPurchase>,
  paymentIntentId: string | undefined,
  amountMicros: Micros,
): ReadonlyMap<string, PaidPurchase> {
  const payment = paymentIntentId === undefined ? undefined : payments.get(paymentIntentId);
  if (!payment || paymentIntentId === undefined) return payments;
  return new Map(payments).set(paymentIntentId, {
    ...payment,
    revokedMicros: payment.revokedMicros + amountMicros,
  });
}

export function evolveCreditAccount(
  state: CreditAccountState,
  event: CreditAccountEvent,
): CreditAccountState {
  switch (event.type) {
    case 'CreditsGranted':
      return {
        ...state,
        balanceMicros: state.balanceMicros + BigInt(event.data.amountMicros),
        purchases:
          event.data.grantId === undefined
            ? state.purchases
            : new Set(state.purchases).add(event.data.grantId),
      };
    case 'CreditsPurchased': {
      const amountMicros = BigInt(event.data.amountMicros);
      const { paymentIntentId } = event.data;
      return {
        ...state,
        balanceMicros: state.balanceMicros + amountMicros,
        purchases: new Set(state.purchases).add(event.data.externalId),
        payments:
          paymentIntentId === undefined
            ? state.payments
            : new Map(state.payments).set(paymentIntentId, {
                purchasedMicros: amountMicros,
                revokedMicros: 0n,
              }),
      };
    }
    case 'CreditsRevoked': {
      const amountMicros = BigInt(event.data.amountMicros);
      return {
        ...state,
        balanceMicros: state.balanceMicros - amountMicros,
        payments: withRevokedPayment(state.payments, event.data.paymentIntentId, amountMicros),
      };
    }
    case 'CreditsReserved': {
      const amountMicros = BigInt(event.data.amountMicros);
      return {
        ...state,
        reservedMicros: state.reservedMicros + amountMicros,
        reservations: withReservation(state.reservations, event.data.reservationId, {
          requestId: event.data.requestId,
          amountMicros,
          period: event.data.period,
          expiresAt: event.data.expiresAt,
        }),
      };
    }
    case 'CreditsDebited': {
      const amountMicros = BigInt(event.data.amountMicros);
      const spentByPeriod = new Map(state.spentByPeriod);
      spentByPeriod.set(event.data.period, spentInPeriod(state, event.data.period) + amountMicros);
      const releasedMicros = BigInt(event.data.releasedMicros ?? '0');
      return {
        ...state,
        balanceMicros: state.balanceMicros - amountMicros,
        spentByPeriod,
        ...(event.data.releasedMicros === undefined
          ? {}
          : {
              reservedMicros: state.reservedMicros - releasedMicros,
              reservations: withReservation(state.reservations, event.data.reservationId, undefined),
            }),
        endedHolds: withEndedHold(state.endedHolds, event.data.reservationId, undefined),
        lastDebit: {
          reservationId: event.data.reservationId,
          amountMicros,
          overdraftMicros: BigInt(event.data.overdraftMicros ?? '0'),
        },
      };
    }
    case 'CreditsReleased': {
      const { reservationId, reason } = event.data;
      const open = state.reservations.get(reservationId);
      return {
        ...state,
        reservedMicros: state.reservedMicros - BigInt(event.data.amountMicros),
        reservations: withReservation(state.reservations, reservationId, undefined),
        endedHolds:
          reason === 'settled' || !open
            ? state.endedHolds
            : withEndedHold(state.endedHolds, reservationId, {
                requestId: open.requestId,
                period: open.period,
              }),
      };
    }
    case 'AccountPlanChanged':
      return {
        ...state,
        plan: {
          tier: event.data.tier,
          monthlyCapMicros: event.data.monthlyCapMicros === null ? null : BigInt(event.data.monthlyCapMicros),
          defaultPowerLevel: event.data.defaultPowerLevel,
          privacyMode: event.data.privacyMode,
        },
      };
  }
}
