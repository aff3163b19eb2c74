import { fold } from '../shared/decider';
import {
  subscriptionDecider,
  type SubscriptionCommand,
  type SubscriptionState,
  type SyncSubscription,
} from './subscription.decider';
import type { SubscriptionEvent } from './subscription.events';

const PERIOD_END = '2026-12-01T00:00:00.000Z';

function sync(overrides: Partial<SyncSubscription> = {}): SyncSubscription {
  return {
    type: 'SyncSubscription',
    userId: 'ann',
    subscriptionId: 'sub_1',
    customerId: 'cus_1',
    status: 'active',
    tier: 'professional',
    periodEnd: PERIOD_END,
    cancelAtPeriodEnd: false,
    observedAt: '2026-11-01T00:00:00.000Z',
    ...overrides,
  };
}

function paid(
  invoiceId: string,
  tier: string | null,
  paidAt: string,
  periodStart = paidAt,
): SubscriptionCommand {
  return {
    type: 'RecordInvoicePaid',
    userId: 'ann',
    subscriptionId: 'sub_1',
    customerId: 'cus_1',
    invoiceId,
    tier,
    amountPaidCents: 4_900,
    periodStart,
    periodEnd: new Date(Date.parse(periodStart) + 30 * 86_400_000).toISOString(),
    includedCreditsMicros: tier === null ? 0n : 20_000_000n,
    paidAt,
  };
}

/** Runs commands in order, as the handler does; returns every event and the final state. */
function run(commands: SubscriptionCommand[]): { events: SubscriptionEvent[]; state: SubscriptionState } {
  const events: SubscriptionEvent[] = [];
  let state = subscriptionDecider.initialState;
  for (const command of commands) {
    const decided = subscriptionDecider.decide(command, state);
    events.push(...decided);
    state = decided.reduce(subscriptionDecider.evolve, state);
  }
  expect(fold(subscriptionDecider, events)).toEqual(state);
  return { events, state };
}

const types = (events: SubscriptionEvent[]) => events.map((event) => event.type);

describe('subscription decider', () => {
  it('activates on the first paid state and records each invoice once', () => {
    const { events, state } = run([
      sync(),
      paid('in_1', 'professional', '2026-11-01T00:00:05.000Z'),
      paid('in_1', 'professional', '2026-11-01T00:00:05.000Z'),
    ]);
    expect(types(events)).toEqual(['SubscriptionActivated', 'SubscriptionInvoicePaid']);
    expect(state).toMatchObject({ status: 'active', tier: 'professional' });
  });

  it('activates from an invoice that arrives before its subscription, and the late subscription adds nothing', () => {
    const { events } = run([paid('in_1', 'professional', '2026-11-01T00:00:05.000Z'), sync()]);
    expect(types(events)).toEqual(['SubscriptionActivated', 'SubscriptionInvoicePaid']);
  });

  it('keeps the tier until the period ends on a downgrade, then applies it', () => {
    const { events, state } = run([
      sync(),
      sync({ tier: 'starter', observedAt: '2026-11-10T00:00:00.000Z' }),
      paid('in_2', 'starter', '2026-12-01T00:00:10.000Z', PERIOD_END),
    ]);
    expect(types(events)).toEqual([
      'SubscriptionActivated',
      'SubscriptionChangeScheduled',
      'SubscriptionTierChanged',
      'SubscriptionInvoicePaid',
    ]);
    expect(events[2].data).toMatchObject({
      fromTier: 'professional',
      toTier: 'starter',
      reason: 'scheduled_downgrade',
    });
    expect(state.tier).toBe('starter');
  });

  it('upgrades at once, and ignores an older state delivered late', () => {
    const { events, state } = run([
      sync({ tier: 'starter' }),
      sync({ tier: 'enterprise', observedAt: '2026-11-05T00:00:00.000Z' }),
      sync({ tier: 'starter', observedAt: '2026-11-02T00:00:00.000Z' }),
    ]);
    expect(types(events)).toEqual(['SubscriptionActivated', 'SubscriptionTierChanged']);
    expect(state.tier).toBe('enterprise');
  });

  it('keeps the tier through the grace of a failed payment, and drops to free once it runs out', () => {
    const failed: SubscriptionCommand = {
      type: 'RecordInvoicePaymentFailed',
      userId: 'ann',
      subscriptionId: 'sub_1',
      invoiceId: 'in_2',
      failedAt: PERIOD_END,
      graceDays: 7,
    };
    const within = run([sync(), failed, { ...failed, failedAt: '2026-12-04T00:00:00.000Z' }]);
    expect(within.state).toMatchObject({ status: 'past_due', tier: 'professional' });
    const after = run([sync(), failed, { ...failed, failedAt: '2026-12-09T00:00:00.000Z' }]);
    expect(after.state).toMatchObject({ status: 'past_due', tier: 'free' });
    const recovered = run([
      sync(),
      failed,
      { ...failed, failedAt: '2026-12-09T00:00:00.000Z' },
      paid('in_2', 'professional', '2026-12-10T00:00:00.000Z', PERIOD_END),
    ]);
    expect(recovered.state).toMatchObject({ status: 'active', tier: 'professional' });
  });

  it('ends on deletion, and nothing revives the ended subscription', () => {
    const { events, state } = run([
      sync(),
      { type: 'EndSubscription', userId: 'ann', subscriptionId: 'sub_1', endedAt: PERIOD_END },
      sync({ observedAt: '2026-12-02T00:00:00.000Z' }),
      paid('in_3', 'professional', '2026-12-02T00:00:00.000Z'),
    ]);
    expect(types(events)).toEqual(['SubscriptionActivated', 'SubscriptionTierChanged', 'SubscriptionEnded']);
    expect(state).toMatchObject({ status: 'ended', tier: 'free' });
  });

  it('schedules a cancellation for the end of the period, and clears it when taken back', () => {
    const { events, state } = run([
      sync(),
      sync({ cancelAtPeriodEnd: true, observedAt: '2026-11-03T00:00:00.000Z' }),
      sync({ observedAt: '2026-11-04T00:00:00.000Z' }),
    ]);
    expect(types(events)).toEqual([
      'SubscriptionActivated',
      'SubscriptionChangeScheduled',
      'SubscriptionScheduleCleared',
    ]);
    expect(events[1].data).toMatchObject({ toTier: 'free', reason: 'cancellation', effectiveAt: PERIOD_END });
    expect(state).toMatchObject({ tier: 'professional', scheduled: null });
  });
});
