import type { Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import { assertValidUserId } from '../shared/user-id';
import { parseTier, TIERS, type Tier } from '../llm/tiers';
import type { SubscriptionEvent, SubscriptionTierChanged } from './subscription.events';

/**
 * The provider's view of a subscription (Stripe's `customer.subscription.*`): which tier it is for,
 * whether it is paid up, and when its period ends. `observedAt` is the provider's time of the event,
 * so a late delivery of an older state changes nothing.
 */
export interface SyncSubscription {
  readonly type: 'SyncSubscription';
  readonly userId: string;
  readonly subscriptionId: string;
  readonly customerId: string;
  readonly status: 'active' | 'past_due' | 'pending' | 'ended';
  readonly tier: string;
  readonly periodEnd: string;
  readonly cancelAtPeriodEnd: boolean;
  readonly observedAt: string;
}

export interface EndSubscription {
  readonly type: 'EndSubscription';
  readonly userId: string;
  readonly subscriptionId: string;
  readonly endedAt: string;
}

export interface RecordInvoicePaid {
  readonly type: 'RecordInvoicePaid';
  readonly userId: string;
  readonly subscriptionId: string;
  readonly customerId: string;
  readonly invoiceId: string;
  /** The tier a period is billed for; null for an invoice that opens no period (a proration). */
  readonly tier: string | null;
  readonly amountPaidCents: number;
  readonly periodStart: string;
  readonly periodEnd: string;
  /** The period's included credits, from our plans; zero for an invoice that opens no period. */
  readonly includedCreditsMicros: bigint;
  readonly paidAt: string;
}

export interface RecordInvoicePaymentFailed {
  readonly type: 'RecordInvoicePaymentFailed';
  readonly userId: string;
  readonly subscriptionId: string;
  readonly invoiceId: string;
  readonly failedAt: string;
  readonly graceDays: number;
}

export type SubscriptionCommand =
  SyncSubscription | EndSubscription | RecordInvoicePaid | RecordInvoicePaymentFailed;

export interface ScheduledChange {
  readonly toTier: Tier;
  readonly effectiveAt: string;
}

export interface SubscriptionState {
  readonly userId: string | null;
  readonly subscriptionId: string | null;
  readonly status: 'none' | 'active' | 'past_due' | 'ended';
  /** The tier in force: what the account is entitled to now. */
  readonly tier: Tier;
  readonly periodEnd: string | null;
  readonly scheduled: ScheduledChange | null;
  readonly graceUntil: string | null;
  /** Provider time of the latest subscription state applied. */
  readonly observedAt: string | null;
  /** Subscriptions that ended: a late event about one of them revives nothing. */
  readonly ended: ReadonlySet<string>;
  /** Paid invoices, with the credits each included. */
  readonly paidInvoices: ReadonlyMap<string, bigint>;
}

export const INITIAL_SUBSCRIPTION: SubscriptionState = {
  userId: null,
  subscriptionId: null,
  status: 'none',
  tier: 'free',
  periodEnd: null,
  scheduled: null,
  graceUntil: null,
  observedAt: null,
  ended: new Set(),
  paidInvoices: new Map(),
};

const rank = (tier: Tier) => TIERS.indexOf(tier);

function instant(value: string, field: string): number {
  const time = Date.parse(value);
  if (!Number.isFinite(time)) throw new DomainError('invalid', `${field} must be an ISO-8601 instant`, field);
  return time;
}

function tierChange(
  state: SubscriptionState,
  subscriptionId: string,
  userId: string,
  toTier: Tier,
  reason: SubscriptionTierChanged['data']['reason'],
  at: string,
): SubscriptionEvent[] {
  if (state.tier === toTier) return [];
  return [
    {
      type: 'SubscriptionTierChanged',
      data: { userId, subscriptionId, fromTier: state.tier, toTier, reason, at },
    },
  ];
}

/**
 * What time alone decided before this event: a scheduled change whose date has come, or a grace
 * period that ran out. Evaluated at the provider's time of each event, so the outcome does not depend
 * on when the event was delivered.
 */
function dueChanges(state: SubscriptionState, userId: string, now: string): SubscriptionEvent[] {
  const subscriptionId = state.subscriptionId;
  if (!subscriptionId || state.status === 'ended' || state.status === 'none') return [];
  const time = instant(now, 'now');
  if (state.scheduled && Date.parse(state.scheduled.effectiveAt) <= time) {
    return tierChange(state, subscriptionId, userId, state.scheduled.toTier, 'scheduled_downgrade', now);
  }
  if (state.status === 'past_due' && state.graceUntil && Date.parse(state.graceUntil) <= time) {
    return tierChange(state, subscriptionId, userId, 'free', 'grace_expired', now);
  }
  return [];
}

function decideSync(command: SyncSubscription, state: SubscriptionState): SubscriptionEvent[] {
  const tier = parseTier(command.tier);
  const observed = instant(command.observedAt, 'observed_at');
  instant(command.periodEnd, 'period_end');
  const { userId, subscriptionId } = command;
  if (state.ended.has(subscriptionId)) return [];
  const current = state.subscriptionId === subscriptionId && state.status !== 'ended';
  // Stripe does not order its deliveries: an older state of the subscription changes nothing.
  if (current && state.observedAt && observed < Date.parse(state.observedAt)) return [];
  if (command.status === 'ended') {
    return decideEnd({ type: 'EndSubscription', userId, subscriptionId, endedAt: command.observedAt }, state);
  }
  // The first payment is still pending: nothing changes until it is made.
  if (command.status === 'pending') return [];
  if (!current) {
    return [
      {
        type: 'SubscriptionActivated',
        data: {
          userId,
          subscriptionId,
          customerId: command.customerId,
          tier,
          periodEnd: command.periodEnd,
          observedAt: command.observedAt,
        },
      },
    ];
  }
  const due = dueChanges(state, userId, command.observedAt);
  const now = due.reduce((folded, event) => evolveSubscription(folded, event), state);
  const target: Tier = command.cancelAtPeriodEnd ? 'free' : tier;
  if (rank(target) > rank(now.tier)) {
    // Past due with its grace spent: the tier comes back with the payment, not with a plan change.
    if (command.status !== 'active') return due;
    // An upgrade applies at once (the provider charged its proration) and replaces any schedule.
    return [...due, ...tierChange(now, subscriptionId, userId, target, 'upgrade', command.observedAt)];
  }
  if (rank(target) < rank(now.tier)) {
    if (now.scheduled?.toTier === target && now.scheduled.effectiveAt === command.periodEnd) return due;
    return [
      ...due,
      {
        type: 'SubscriptionChangeScheduled',
        data: {
          userId,
          subscriptionId,
          toTier: target,
          effectiveAt: command.periodEnd,
          reason: command.cancelAtPeriodEnd ? 'cancellation' : 'downgrade',
          observedAt: command.observedAt,
        },
      },
    ];
  }
  return now.scheduled
    ? [
        ...due,
        {
          type: 'SubscriptionScheduleCleared',
          data: { userId, subscriptionId, observedAt: command.observedAt },
        },
      ]
    : due;
}

function decideEnd(command: EndSubscription, state: SubscriptionState): SubscriptionEvent[] {
  instant(command.endedAt, 'ended_at');
  if (state.ended.has(command.subscriptionId)) return [];
  const { userId, subscriptionId } = command;
  // Another subscription than the one in force (replaced, or never paid) ends without touching the tier.
  const inForce = state.subscriptionId === subscriptionId;
  return [
    ...(inForce ? tierChange(state, subscriptionId, userId, 'free', 'ended', command.endedAt) : []),
    { type: 'SubscriptionEnded', data: { userId, subscriptionId, endedAt: command.endedAt } },
  ];
}

function decideInvoicePaid(command: RecordInvoicePaid, state: SubscriptionState): SubscriptionEvent[] {
  const tier = command.tier === null ? null : parseTier(command.tier);
  const periodStart = instant(command.periodStart, 'period_start');
  instant(command.periodEnd, 'period_end');
  instant(command.paidAt, 'paid_at');
  if (!Number.isSafeInteger(command.amountPaidCents) || command.amountPaidCents < 0)
    throw new DomainError('invalid', 'amount_paid must be a non-negative number of cents', 'amount_paid');
  if (command.includedCreditsMicros < 0n || (tier === null && command.includedCreditsMicros > 0n))
    throw new DomainError('invalid', 'only a period of a tier includes credits', 'included_credits_micros');
  if (state.paidInvoices.has(command.invoiceId) || state.ended.has(command.subscriptionId)) return [];
  const { userId, subscriptionId } = command;
  const paid: SubscriptionEvent = {
    type: 'SubscriptionInvoicePaid',
    data: {
      userId,
      subscriptionId,
      invoiceId: command.invoiceId,
      tier: tier ?? state.tier,
      amountPaidCents: command.amountPaidCents,
      periodStart: command.periodStart,
      periodEnd: command.periodEnd,
      includedCreditsMicros: command.includedCreditsMicros.toString(),
    },
  };
  if (state.subscriptionId !== subscriptionId || state.status === 'none' || state.status === 'ended') {
    if (tier === null) return [paid];
    // The invoice may arrive before the subscription's own event: it proves the subscription is paid.
    const activated: SubscriptionEvent = {
      type: 'SubscriptionActivated',
      data: {
        userId,
        subscriptionId,
        customerId: command.customerId,
        tier,
        periodEnd: command.periodEnd,
        observedAt: null,
      },
    };
    return [activated, paid];
  }
  const due = dueChanges(state, userId, command.paidAt);
  const now = due.reduce((folded, event) => evolveSubscription(folded, event), state);
  const events = [...due];
  if (tier !== null && tier !== now.tier) {
    const opensPeriod = now.periodEnd === null || periodStart >= Date.parse(now.periodEnd);
    if (rank(tier) > rank(now.tier)) {
      const reason = state.status === 'past_due' ? 'payment_recovered' : 'upgrade';
      events.push(...tierChange(now, subscriptionId, userId, tier, reason, command.paidAt));
    } else if (opensPeriod) {
      // A new period billed at a lower tier: the downgrade is due, whether or not its schedule arrived.
      events.push(...tierChange(now, subscriptionId, userId, tier, 'scheduled_downgrade', command.paidAt));
    }
  }
  return [...events, paid];
}

function decidePaymentFailed(
  command: RecordInvoicePaymentFailed,
  state: SubscriptionState,
): SubscriptionEvent[] {
  const failedAt = instant(command.failedAt, 'failed_at');
  if (state.paidInvoices.has(command.invoiceId) || state.ended.has(command.subscriptionId)) return [];
  if (state.subscriptionId !== command.subscriptionId || state.status === 'none') return [];
  const due = dueChanges(state, command.userId, command.failedAt);
  // A repeated failure of the same renewal keeps the grace the first one started.
  if (state.status === 'past_due') return due;
  const graceUntil = new Date(failedAt + command.graceDays * 86_400_000).toISOString();
  return [
    ...due,
    {
      type: 'SubscriptionPaymentFailed',
      data: {
        userId: command.userId,
        subscriptionId: command.subscriptionId,
        invoiceId: command.invoiceId,
        graceUntil,
      },
    },
  ];
}

export function evolveSubscription(state: SubscriptionState, event: SubscriptionEvent): SubscriptionState {
  switch (event.type) {
    case 'SubscriptionActivated':
      return {
        ...state,
        userId: event.data.userId,
        subscriptionId: event.data.subscriptionId,
        status: 'active',
        tier: parseTier(event.data.tier),
        periodEnd: event.data.periodEnd,
        scheduled: null,
        graceUntil: null,
        observedAt: event.data.observedAt,
      };
    case 'SubscriptionTierChanged': {
      const tier = parseTier(event.data.toTier);
      const keepsSchedule = event.data.reason === 'grace_expired' && state.scheduled?.toTier !== tier;
      return { ...state, tier, scheduled: keepsSchedule ? state.scheduled : null, observedAt: event.data.at };
    }
    case 'SubscriptionChangeScheduled':
      return {
        ...state,
        scheduled: { toTier: parseTier(event.data.toTier), effectiveAt: event.data.effectiveAt },
        observedAt: event.data.observedAt,
      };
    case 'SubscriptionScheduleCleared':
      return { ...state, scheduled: null, observedAt: event.data.observedAt };
    case 'SubscriptionInvoicePaid': {
      const later =
        state.periodEnd === null || Date.parse(event.data.periodEnd) > Date.parse(state.periodEnd);
      return {
        ...state,
        status: state.subscriptionId === event.data.subscriptionId ? 'active' : state.status,
        graceUntil: null,
        periodEnd: later ? event.data.periodEnd : state.periodEnd,
        paidInvoices: new Map(state.paidInvoices).set(
          event.data.invoiceId,
          BigInt(event.data.includedCreditsMicros),
        ),
      };
    }
    case 'SubscriptionPaymentFailed':
      return { ...state, status: 'past_due', graceUntil: event.data.graceUntil };
    case 'SubscriptionEnded': {
      const ended = new Set(state.ended).add(event.data.subscriptionId);
      if (state.subscriptionId !== event.data.subscriptionId) return { ...state, ended };
      return { ...state, status: 'ended', tier: 'free', scheduled: null, graceUntil: null, ended };
    }
  }
}

function validated(command: SubscriptionCommand): SubscriptionCommand {
  assertValidUserId(command.userId);
  if (!/^[A-Za-z0-9_]{1,255}$/.test(command.subscriptionId))
    throw new DomainError('invalid', 'subscription_id is malformed', 'subscription_id');
  return command;
}

export const subscriptionDecider: Decider<SubscriptionCommand, SubscriptionEvent, SubscriptionState> = {
  initialState: INITIAL_SUBSCRIPTION,
  decide(command, state) {
    const checked = validated(command);
    switch (checked.type) {
      case 'SyncSubscription':
        return decideSync(checked, state);
      case 'EndSubscription':
        return decideEnd(checked, state);
      case 'RecordInvoicePaid':
        return decideInvoicePaid(checked, state);
      case 'RecordInvoicePaymentFailed':
        return decidePaymentFailed(checked, state);
    }
  },
  evolve: evolveSubscription,
};
