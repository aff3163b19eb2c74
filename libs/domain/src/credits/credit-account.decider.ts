import type { Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import { formatMicros, type Micros } from '../shared/micros';
import { assertValidUserId } from '../shared/user-id';
import { parsePowerLevel } from '../llm/power-levels';
import { ACCOUNT_PLAN_ROUTE } from '../llm/route-refusals';
import { parseTier } from '../llm/tiers';
import type {
  CreditAccountCommand,
  ExpireReservations,
  GrantCredits,
  RecordCreditPurchase,
  ReleaseReservation,
  ReserveCredits,
  ReversePurchase,
  RevokeCredits,
  SetAccountPlan,
  SetAccountTier,
  SettleReservation,
} from './credit-account.commands';
import type { CreditAccountEvent, CreditsReleased, SettledRequest } from './credit-account.events';
import {
  availableMicros,
  evolveCreditAccount,
  INITIAL_CREDIT_ACCOUNT,
  periodOf,
  spentInPeriod,
  type CreditAccountState,
} from './credit-account.state';

/** One grant is at most 1,000,000 USD: larger is a typo, not a purchase. */
export const MAX_GRANT_MICROS: Micros = 1_000_000n * 1_000_000n;
/** Keeps every balance far from 64-bit overflow in the read models. */
export const MAX_BALANCE_MICROS: Micros = 1_000_000_000n * 1_000_000n;
export const MAX_REASON_LENGTH = 500;

/** Why spending was refused, as the gateway reports it (OpenAI-style error code, HTTP 402). */
export type CreditRefusalReason = 'insufficient_credits' | 'monthly_cap_exceeded';

export class CreditRefusal extends DomainError {
  constructor(
    readonly reason: CreditRefusalReason,
    message: string,
  ) {
    super('payment_required', message);
    this.name = 'CreditRefusal';
  }
}

/**
 * An account below zero (an overdraft, a refund or dispute of spent credits) is refused every request,
 * free ones included, until grants or purchases bring it back above zero.
 */
export function assertNotOverdrawn(state: CreditAccountState): void {
  if (state.balanceMicros < 0n) {
    throw new CreditRefusal(
      'insufficient_credits',
      `The account is overdrawn by ${-state.balanceMicros} micro-USD; it can spend again once credits bring it above zero`,
    );
  }
}

function assertAmount(amountMicros: Micros, field: string): void {
  if (amountMicros <= 0n) throw new DomainError('invalid', `${field} must be greater than zero`, field);
  if (amountMicros > MAX_GRANT_MICROS) {
    throw new DomainError('invalid', `${field} must be at most ${MAX_GRANT_MICROS} (1,000,000 USD)`, field);
  }
}

function checkedReason(reason: string): string {
  const trimmed = reason.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_REASON_LENGTH) {
    throw new DomainError('invalid', `reason must be 1-${MAX_REASON_LENGTH} characters`, 'reason');
  }
  return trimmed;
}

function assertBalanceCeiling(state: CreditAccountState, amountMicros: Micros): void {
  if (state.balanceMicros + amountMicros > MAX_BALANCE_MICROS) {
    throw new DomainError(
      'conflict',
      `the balance would exceed ${MAX_BALANCE_MICROS} micro-USD`,
      'amount_micros',
    );
  }
}

function decideGrant(command: GrantCredits, state: CreditAccountState): CreditAccountEvent[] {
  assertValidUserId(command.userId);
  const { grantId } = command;
  if (grantId !== undefined && state.purchases.has(grantId)) return [];
  assertAmount(command.amountMicros, 'amount_micros');
  const reason = checkedReason(command.reason);
  assertBalanceCeiling(state, command.amountMicros);
  const data = { userId: command.userId, amountMicros: formatMicros(command.amountMicros), reason };
  return [{ type: 'CreditsGranted', data: grantId === undefined ? data : { ...data, grantId } }];
}

function decideRevoke(command: RevokeCredits, state: CreditAccountState): CreditAccountEvent[] {
  assertValidUserId(command.userId);
  assertAmount(command.amountMicros, 'amount_micros');
  const reason = checkedReason(command.reason);
  // Credits held for in-flight requests are spoken for; revoking them could drive the balance negative.
  if (command.amountMicros > availableMicros(state)) {
    throw new DomainError(
      'conflict',
      `only ${availableMicros(state)} micro-USD are available to revoke`,
      'amount_micros',
    );
  }
  return [
    {
      type: 'CreditsRevoked',
      data: { userId: command.userId, amountMicros: formatMicros(command.amountMicros), reason },
    },
  ];
}

function decidePurchase(command: RecordCreditPurchase, state: CreditAccountState): CreditAccountEvent[] {
  assertValidUserId(command.userId);
  if (state.purchases.has(command.externalId)) return [];
  assertAmount(command.amountMicros, 'amount_micros');
  if (
    command.package.trim().length === 0 ||
    command.externalId.trim().length === 0 ||
    command.paymentIntentId.trim().length === 0
  ) {
    throw new DomainError('invalid', 'a purchase needs its package, its payment id and its payment intent');
  }
  if (state.payments.has(command.paymentIntentId)) {
    throw new DomainError('conflict', `payment intent ${command.paymentIntentId} was already credited`);
  }
  assertBalanceCeiling(state, command.amountMicros);
  return [
    {
      type: 'CreditsPurchased',
      data: {
        userId: command.userId,
        amountMicros: formatMicros(command.amountMicros),
        package: command.package,
        externalId: command.externalId,
        paymentIntentId: command.paymentIntentId,
      },
    },
  ];
}

/**
 * What a refund or dispute takes back, in total: a dispute the whole purchase (the money is gone until
 * it is decided), a refund the share of the purchase that was paid back, rounded up so that a series
 * of partial refunds that repays everything takes back everything. Each delivery takes the difference
 * with what earlier ones took, so Stripe's retries and repeated partial refunds revoke once.
 */
export function purchaseReversalTarget(
  purchasedMicros: Micros,
  trigger: ReversePurchase['trigger'],
  reversedCents: number,
  paidCents: number,
): Micros {
  if (trigger === 'dispute') return purchasedMicros;
  const reversed = BigInt(reversedCents);
  const paid = BigInt(paidCents);
  return (purchasedMicros * reversed + paid - 1n) / paid;
}

function decideReversal(command: ReversePurchase, state: CreditAccountState): CreditAccountEvent[] {
  assertValidUserId(command.userId);
  const payment = state.payments.get(command.paymentIntentId);
  if (!payment) {
    throw new DomainError('not_found', `no purchase of this account was paid by ${command.paymentIntentId}`);
  }
  const { reversedCents, paidCents } = command;
  if (!Number.isSafeInteger(paidCents) || paidCents <= 0) {
    throw new DomainError('invalid', 'the paid amount must be a positive number of cents', 'amount');
  }
  if (!Number.isSafeInteger(reversedCents) || reversedCents < 0 || reversedCents > paidCents) {
    throw new DomainError('invalid', 'the amount paid back must be between 0 and the amount paid', 'amount');
  }
  const target = purchaseReversalTarget(payment.purchasedMicros, command.trigger, reversedCents, paidCents);
  const due = target - payment.revokedMicros;
  if (due <= 0n) return [];
  return [
    {
      type: 'CreditsRevoked',
      data: {
        userId: command.userId,
        amountMicros: formatMicros(due),
        reason: checkedReason(
          `${command.trigger} ${command.reference} of payment ${command.paymentIntentId}`,
        ),
        paymentIntentId: command.paymentIntentId,
        trigger: command.trigger,
      },
    },
  ];
}

function expiredReleases(state: CreditAccountState, userId: string, now: string): CreditsReleased[] {
  const expiresBefore = new Date(now).toISOString();
  const releases: CreditsReleased[] = [];
  for (const [reservationId, reservation] of state.reservations) {
    if (reservation.expiresAt <= expiresBefore) {
      releases.push({
        type: 'CreditsReleased',
        data: {
          userId,
          reservationId,
          requestId: reservation.requestId,
          amountMicros: formatMicros(reservation.amountMicros),
          reason: 'expired',
        },
      });
    }
  }
  return releases;
}

function assertInstant(value: string, field: string): void {
  if (Number.isNaN(Date.parse(value)))
    throw new DomainError('invalid', `${field} must be an ISO-8601 time`, field);
}

/**
 * Holds happen one at a time per account (the stream's revision check serialises them), so checking
 * the available balance and the cap against every open hold means concurrent requests can never
 * spend more than either, whatever they end up costing.
 */
function decideReserve(command: ReserveCredits, state: CreditAccountState): CreditAccountEvent[] {
  assertValidUserId(command.userId);
  assertInstant(command.now, 'now');
  if (state.reservations.has(command.reservationId)) return [];
  if (command.amountMicros <= 0n) {
    throw new DomainError('invalid', 'a reservation must hold more than zero', 'amount_micros');
  }
  if (!Number.isInteger(command.ttlMs) || command.ttlMs <= 0) {
    throw new DomainError('invalid', 'a reservation needs a positive lifetime', 'ttl_ms');
  }
  const expired = expiredReleases(state, command.userId, command.now);
  const current = expired.reduce(evolveCreditAccount, state);

  assertNotOverdrawn(current);
  const available = availableMicros(current);
  if (command.amountMicros > available) {
    throw new CreditRefusal(
      'insufficient_credits',
      `This request may cost up to ${command.amountMicros} micro-USD but only ${available > 0n ? available : 0n} are available`,
    );
  }
  const period = periodOf(command.now);
  const cap = current.plan.monthlyCapMicros;
  if (cap !== null) {
    const committed = spentInPeriod(current, period) + current.reservedMicros;
    if (committed + command.amountMicros > cap) {
      throw new CreditRefusal(
        'monthly_cap_exceeded',
        `This request may cost up to ${command.amountMicros} micro-USD, which would pass the monthly cap of ${cap} (${committed} spent or held in ${period}): an admin can raise the plan's monthly_cap_micros (${ACCOUNT_PLAN_ROUTE})`,
      );
    }
  }
  const expiresAt = new Date(Date.parse(command.now) + command.ttlMs).toISOString();
  return [
    ...expired,
    {
      type: 'CreditsReserved',
      data: {
        userId: command.userId,
        reservationId: command.reservationId,
        requestId: command.requestId,
        amountMicros: formatMicros(command.amountMicros),
        period,
        expiresAt,
      },
    },
  ];
}

/**
 * Settling charges the real cost, all of it, whatever happened to the hold. The hold is what the
 * balance and the cap were checked against, so anything beyond it is an overdraft: recorded as such on
 * the debit, and it may take the balance below zero, which then refuses every new hold. A hold that
 * already ended (expired, swept, released) still charges its request once; a hold that was settled,
 * or that nobody knows, charges nothing again. The request's record, when the command has it, rides on
 * the debit, which is why an open hold then ends in a debit even of zero; where no debit is decided,
 * the caller stores the record on the request's own stream.
 */
function decideSettle(command: SettleReservation, state: CreditAccountState): CreditAccountEvent[] {
  if (command.costMicros < 0n) throw new DomainError('invalid', 'a cost cannot be negative', 'cost_micros');
  // No longer capped by the hold: an absurd usage report must not push a balance out of 64 bits.
  if (command.costMicros > MAX_GRANT_MICROS) {
    throw new DomainError(
      'invalid',
      `a cost above ${MAX_GRANT_MICROS} micro-USD is not a real cost`,
      'cost_micros',
    );
  }
  const { userId, reservationId, costMicros, request } = command;
  const reservation = state.reservations.get(reservationId);
  if (reservation) {
    const base = { userId, reservationId, requestId: reservation.requestId, request };
    if (costMicros === 0n && !request) {
      const release: CreditsReleased = {
        type: 'CreditsReleased',
        data: {
          userId,
          reservationId,
          requestId: reservation.requestId,
          amountMicros: formatMicros(reservation.amountMicros),
          reason: 'settled',
        },
      };
      return [release];
    }
    const overdraft = costMicros > reservation.amountMicros ? costMicros - reservation.amountMicros : 0n;
    // One event charges, ends the hold and records the request: a third of the rows of a debit, a
    // release and a completion.
    return [debit(base, costMicros, overdraft, reservation.period, reservation.amountMicros)];
  }
  const ended = state.endedHolds.get(reservationId);
  if (!ended || costMicros === 0n) return [];
  return [
    debit(
      { userId, reservationId, requestId: ended.requestId, request },
      costMicros,
      costMicros,
      ended.period,
    ),
  ];
}

function debit(
  base: { userId: string; reservationId: string; requestId: string; request?: SettledRequest },
  costMicros: Micros,
  overdraftMicros: Micros,
  period: string,
  releasedMicros?: Micros,
): CreditAccountEvent {
  const { request, ...ids } = base;
  return {
    type: 'CreditsDebited',
    data: {
      ...ids,
      amountMicros: formatMicros(costMicros),
      period,
      overdraftMicros: formatMicros(overdraftMicros),
      ...(releasedMicros === undefined ? {} : { releasedMicros: formatMicros(releasedMicros) }),
      ...(request ? { request } : {}),
    },
  };
}

function decideRelease(command: ReleaseReservation, state: CreditAccountState): CreditAccountEvent[] {
  const reservation = state.reservations.get(command.reservationId);
  if (!reservation) return [];
  return [
    {
      type: 'CreditsReleased',
      data: {
        userId: command.userId,
        reservationId: command.reservationId,
        requestId: reservation.requestId,
        amountMicros: formatMicros(reservation.amountMicros),
        reason: 'failed',
      },
    },
  ];
}

function decideExpire(command: ExpireReservations, state: CreditAccountState): CreditAccountEvent[] {
  assertInstant(command.now, 'now');
  return expiredReleases(state, command.userId, command.now);
}

function decidePlan(command: SetAccountPlan, state: CreditAccountState): CreditAccountEvent[] {
  assertValidUserId(command.userId);
  parseTier(command.tier);
  parsePowerLevel(command.defaultPowerLevel, 'default_power_level');
  if (command.monthlyCapMicros !== null && command.monthlyCapMicros < 0n) {
    throw new DomainError('invalid', 'monthly_cap_micros cannot be negative', 'monthly_cap_micros');
  }
  const { plan } = state;
  if (
    plan.tier === command.tier &&
    plan.monthlyCapMicros === command.monthlyCapMicros &&
    plan.defaultPowerLevel === command.defaultPowerLevel &&
    plan.privacyMode === command.privacyMode
  ) {
    return [];
  }
  return [
    {
      type: 'AccountPlanChanged',
      data: {
        userId: command.userId,
        tier: command.tier,
        monthlyCapMicros: command.monthlyCapMicros === null ? null : formatMicros(command.monthlyCapMicros),
        defaultPowerLevel: command.defaultPowerLevel,
        privacyMode: command.privacyMode,
      },
    },
  ];
}

function decideTier(command: SetAccountTier, state: CreditAccountState): CreditAccountEvent[] {
  return decidePlan(
    { ...state.plan, type: 'SetAccountPlan', userId: command.userId, tier: command.tier },
    state,
  );
}

export const creditAccountDecider: Decider<CreditAccountCommand, CreditAccountEvent, CreditAccountState> = {
  initialState: INITIAL_CREDIT_ACCOUNT,
  decide(command, state) {
    switch (command.type) {
      case 'GrantCredits':
        return decideGrant(command, state);
      case 'RevokeCredits':
        return decideRevoke(command, state);
      case 'RecordCreditPurchase':
        return decidePurchase(command, state);
      case 'ReversePurchase':
        return decideReversal(command, state);
      case 'ReserveCredits':
        return decideReserve(command, state);
      case 'SettleReservation':
        return decideSettle(command, state);
      case 'ReleaseReservation':
        return decideRelease(command, state);
      case 'ExpireReservations':
        return decideExpire(command, state);
      case 'SetAccountPlan':
        return decidePlan(command, state);
      case 'SetAccountTier':
        return decideTier(command, state);
    }
  },
  evolve: evolveCreditAccount,
};
