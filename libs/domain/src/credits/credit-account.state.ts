import type { Micros } from '../shared/micros';
import type { CreditAccountEvent } from './credit-account.events';

export interface OpenReservation {
  readonly requestId: string;
  readonly amountMicros: Micros;
  readonly period: string;
  /** ISO-8601; compared as strings, which orders correctly for one fixed format. */
  readonly expiresAt: string;
}

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
  /** Payment ids already credited, so a provider's retries credit once. */
  readonly purchases: ReadonlySet<string>;
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

export function evolveCreditAccount(
  state: CreditAccountState,
  event: CreditAccountEvent,
): CreditAccountState {
  switch (event.type) {
    case 'CreditsGranted':
      return { ...state, balanceMicros: state.balanceMicros + BigInt(event.data.amountMicros) };
    case 'CreditsPurchased':
      return {
        ...state,
        balanceMicros: state.balanceMicros + BigInt(event.data.amountMicros),
        purchases: new Set(state.purchases).add(event.data.externalId),
      };
    case 'CreditsRevoked':
      return { ...state, balanceMicros: state.balanceMicros - BigInt(event.data.amountMicros) };
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
      return { ...state, balanceMicros: state.balanceMicros - amountMicros, spentByPeriod };
    }
    case 'CreditsReleased':
      return {
        ...state,
        reservedMicros: state.reservedMicros - BigInt(event.data.amountMicros),
        reservations: withReservation(state.reservations, event.data.reservationId, undefined),
      };
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
