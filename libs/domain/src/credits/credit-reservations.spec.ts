import { refusal } from '../local-users/testing';
import { fold } from '../shared/decider';
import type { CreditAccountCommand, SettleReservation } from './credit-account.commands';
import { creditAccountDecider, CreditRefusal, MAX_GRANT_MICROS } from './credit-account.decider';
import type { CreditAccountEvent, SettledRequest } from './credit-account.events';
import { availableMicros, MAX_ENDED_HOLDS, type CreditAccountState } from './credit-account.state';

const NOW = '2026-11-25T10:00:00.000Z';
const MINUTE = 60_000;

function run(commands: CreditAccountCommand[], state = creditAccountDecider.initialState) {
  const events: CreditAccountEvent[] = [];
  for (const command of commands) {
    const produced = creditAccountDecider.decide(command, state);
    events.push(...produced);
    state = produced.reduce(creditAccountDecider.evolve, state);
  }
  return { state, events };
}

const grant = (amountMicros: bigint): CreditAccountCommand => ({
  type: 'GrantCredits',
  userId: 'alice',
  amountMicros,
  reason: 'test',
});
const reserve = (id: string, amountMicros: bigint, now = NOW, ttlMs = 10 * MINUTE): CreditAccountCommand => ({
  type: 'ReserveCredits',
  userId: 'alice',
  reservationId: id,
  requestId: `req-${id}`,
  amountMicros,
  now,
  ttlMs,
});
const settle = (id: string, costMicros: bigint): CreditAccountCommand => ({
  type: 'SettleReservation',
  userId: 'alice',
  reservationId: id,
  costMicros,
});
const plan = (monthlyCapMicros: bigint | null): CreditAccountCommand => ({
  type: 'SetAccountPlan',
  userId: 'alice',
  tier: 'starter',
  monthlyCapMicros,
  defaultPowerLevel: 'eco',
  privacyMode: false,
});

function refusedReason(state: CreditAccountState, command: CreditAccountCommand): string {
  const error = refusal(() => creditAccountDecider.decide(command, state));
  expect(error).toBeInstanceOf(CreditRefusal);
  expect(error.code).toBe('payment_required');
  return (error as CreditRefusal).reason;
}

describe('credit reservations', () => {
  it('holds credits without touching the balance, and counts them out of what is available', () => {
    const { state, events } = run([grant(1_000n), reserve('r1', 300n)]);
    expect(events[1]).toEqual({
      type: 'CreditsReserved',
      data: {
        userId: 'alice',
        reservationId: 'r1',
        requestId: 'req-r1',
        amountMicros: '300',
        period: '2026-11',
        expiresAt: '2026-11-25T10:10:00.000Z',
      },
    });
    expect(state.balanceMicros).toBe(1_000n);
    expect(availableMicros(state)).toBe(700n);
  });

  it('refuses a hold larger than what is available, counting other open holds', () => {
    const { state } = run([grant(1_000n), reserve('r1', 600n)]);
    expect(refusedReason(state, reserve('r2', 401n))).toBe('insufficient_credits');
    expect(creditAccountDecider.decide(reserve('r2', 400n), state)).toHaveLength(1);
  });

  it('refuses any hold on an empty account', () => {
    expect(refusedReason(creditAccountDecider.initialState, reserve('r1', 1n))).toBe('insufficient_credits');
  });

  it('settles the real cost and releases the whole hold, in one event', () => {
    const { state, events } = run([grant(1_000n), reserve('r1', 600n), settle('r1', 250n)]);
    expect(events.slice(2)).toEqual([
      {
        type: 'CreditsDebited',
        data: expect.objectContaining({ amountMicros: '250', overdraftMicros: '0', releasedMicros: '600' }),
      },
    ]);
    expect(state.balanceMicros).toBe(750n);
    expect(state.reservedMicros).toBe(0n);
    expect(state.spentByPeriod.get('2026-11')).toBe(250n);
  });

  it('reads a settlement stored before schema 3 (a debit, then a release) as the same state', () => {
    const before = run([grant(1_000n), reserve('r1', 600n)]);
    const base = { userId: 'alice', reservationId: 'r1', requestId: 'req-r1' };
    const older: CreditAccountEvent[] = [
      {
        type: 'CreditsDebited',
        data: { ...base, amountMicros: '250', period: '2026-11', overdraftMicros: '0' },
      },
      { type: 'CreditsReleased', data: { ...base, amountMicros: '600', reason: 'settled' } },
    ];
    const now = run([settle('r1', 250n)], before.state);
    expect(older.reduce(creditAccountDecider.evolve, before.state)).toEqual(now.state);
  });

  it('charges the whole cost beyond the hold, recording the excess as an overdraft', () => {
    const { state, events } = run([grant(1_000n), reserve('r1', 600n), settle('r1', 1_500n)]);
    expect(events[2]).toEqual({
      type: 'CreditsDebited',
      data: {
        userId: 'alice',
        reservationId: 'r1',
        requestId: 'req-r1',
        amountMicros: '1500',
        period: '2026-11',
        overdraftMicros: '900',
        releasedMicros: '600',
      },
    });
    expect(state.balanceMicros).toBe(-500n);
    expect(state.reservedMicros).toBe(0n);
    expect(state.spentByPeriod.get('2026-11')).toBe(1_500n);
    expect(state.lastDebit).toEqual({ reservationId: 'r1', amountMicros: 1_500n, overdraftMicros: 900n });
  });

  it('refuses a cost no request can have, so a bogus usage report cannot overflow a balance', () => {
    const { state } = run([grant(1_000n), reserve('r1', 600n)]);
    const error = refusal(() => creditAccountDecider.decide(settle('r1', MAX_GRANT_MICROS + 1n), state));
    expect(error.field).toBe('cost_micros');
  });

  it('records no overdraft when the hold covered the cost', () => {
    const { events } = run([grant(1_000n), reserve('r1', 600n), settle('r1', 600n)]);
    expect(events[2]).toMatchObject({ data: { amountMicros: '600', overdraftMicros: '0' } });
  });

  it('refuses every hold while the balance is below zero, until credits bring it back above', () => {
    const { state } = run([grant(1_000n), reserve('r1', 600n), settle('r1', 1_500n)]);
    const error = refusal(() => creditAccountDecider.decide(reserve('r2', 1n), state));
    expect(error).toBeInstanceOf(CreditRefusal);
    expect((error as CreditRefusal).reason).toBe('insufficient_credits');
    expect(error.message).toContain('overdrawn by 500');
    const topped = run([grant(501n)], state).state;
    expect(creditAccountDecider.decide(reserve('r2', 1n), topped)).toHaveLength(1);
  });

  it('settles a hold that expired meanwhile: the whole cost, as an overdraft, once', () => {
    const { state, events } = run([
      grant(1_000n),
      reserve('r1', 600n, NOW, MINUTE),
      { type: 'ExpireReservations', userId: 'alice', now: '2026-11-25T10:05:00.000Z' },
      settle('r1', 400n),
    ]);
    expect(events.slice(2).map((event) => event.type)).toEqual(['CreditsReleased', 'CreditsDebited']);
    expect(events[3]).toMatchObject({
      data: { requestId: 'req-r1', amountMicros: '400', overdraftMicros: '400', period: '2026-11' },
    });
    expect(state.balanceMicros).toBe(600n);
    expect(state.reservedMicros).toBe(0n);
    expect(creditAccountDecider.decide(settle('r1', 400n), state)).toEqual([]);
  });

  it('settles a hold that a newer hold expired on its way', () => {
    const { state } = run([
      grant(1_000n),
      reserve('r1', 600n, NOW, MINUTE),
      reserve('r2', 900n, '2026-11-25T10:05:00.000Z'),
      settle('r1', 400n),
    ]);
    expect(state.balanceMicros).toBe(600n);
    expect(state.reservedMicros).toBe(900n);
  });

  it('remembers a bounded number of ended holds', () => {
    const commands: CreditAccountCommand[] = [grant(1_000_000n)];
    for (let index = 0; index <= MAX_ENDED_HOLDS; index++) {
      commands.push(reserve(`r${index}`, 1n), {
        type: 'ReleaseReservation',
        userId: 'alice',
        reservationId: `r${index}`,
      });
    }
    const { state } = run(commands);
    expect(state.endedHolds.size).toBe(MAX_ENDED_HOLDS);
    expect(creditAccountDecider.decide(settle('r0', 5n), state)).toEqual([]);
    expect(creditAccountDecider.decide(settle(`r${MAX_ENDED_HOLDS}`, 5n), state)).toHaveLength(1);
  });

  it('settles a zero cost with a release alone', () => {
    const { events } = run([grant(1_000n), reserve('r1', 600n), settle('r1', 0n)]);
    expect(events.slice(2).map((event) => event.type)).toEqual(['CreditsReleased']);
  });

  describe("with the request's record", () => {
    const record = { provider: 'openai', model: 'gpt-4o-mini', inputTokens: 3 } as SettledRequest;
    const settleWith = (id: string, costMicros: bigint): CreditAccountCommand => ({
      ...(settle(id, costMicros) as SettleReservation),
      request: record,
    });

    it('carries it on the one event that charges and ends the hold', () => {
      const { state, events } = run([grant(1_000n), reserve('r1', 600n), settleWith('r1', 100n)]);
      expect(events.slice(2)).toEqual([
        {
          type: 'CreditsDebited',
          data: {
            userId: 'alice',
            reservationId: 'r1',
            requestId: 'req-r1',
            amountMicros: '100',
            period: '2026-11',
            overdraftMicros: '0',
            releasedMicros: '600',
            request: record,
          },
        },
      ]);
      expect(state.balanceMicros).toBe(900n);
      expect(state.reservedMicros).toBe(0n);
    });

    it('ends an open hold with a debit of zero when nothing is charged, so the record is stored with it', () => {
      const { state, events } = run([grant(1_000n), reserve('r1', 600n), settleWith('r1', 0n)]);
      expect(events.slice(2)).toMatchObject([
        { type: 'CreditsDebited', data: { amountMicros: '0', releasedMicros: '600', request: record } },
      ]);
      expect(state.balanceMicros).toBe(1_000n);
      expect(availableMicros(state)).toBe(1_000n);
    });

    it('carries it on the overdraft of an ended hold; decides nothing when there is nothing to charge', () => {
      const released = run([
        grant(1_000n),
        reserve('r1', 600n),
        { type: 'ReleaseReservation', userId: 'alice', reservationId: 'r1' },
      ]).state;
      expect(creditAccountDecider.decide(settleWith('r1', 100n), released)).toMatchObject([
        { type: 'CreditsDebited', data: { amountMicros: '100', overdraftMicros: '100', request: record } },
      ]);
      expect(creditAccountDecider.decide(settleWith('r1', 0n), released)).toEqual([]);
      expect(creditAccountDecider.decide(settleWith('nope', 100n), released)).toEqual([]);
    });
  });

  it('settles once: a repeated settle decides nothing, nor does a release after it', () => {
    const { state } = run([grant(1_000n), reserve('r1', 600n), settle('r1', 100n)]);
    expect(creditAccountDecider.decide(settle('r1', 100n), state)).toEqual([]);
    expect(
      creditAccountDecider.decide(
        { type: 'ReleaseReservation', userId: 'alice', reservationId: 'r1' },
        state,
      ),
    ).toEqual([]);
  });

  it('a settle after a release still charges the request, once', () => {
    const { state, events } = run([
      grant(1_000n),
      reserve('r1', 600n),
      { type: 'ReleaseReservation', userId: 'alice', reservationId: 'r1' },
      settle('r1', 100n),
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'CreditsDebited', data: { amountMicros: '100' } });
    expect(state.balanceMicros).toBe(900n);
    expect(creditAccountDecider.decide(settle('r1', 100n), state)).toEqual([]);
  });

  it('a settle of a hold nobody knows charges nothing', () => {
    expect(creditAccountDecider.decide(settle('nope', 100n), run([grant(1_000n)]).state)).toEqual([]);
  });

  it('reserves once per reservation id', () => {
    const { state } = run([grant(1_000n), reserve('r1', 600n)]);
    expect(creditAccountDecider.decide(reserve('r1', 600n), state)).toEqual([]);
  });

  it('releases a failed request without charging', () => {
    const { state, events } = run([
      grant(1_000n),
      reserve('r1', 600n),
      { type: 'ReleaseReservation', userId: 'alice', reservationId: 'r1' },
    ]);
    expect(events[2]).toMatchObject({
      type: 'CreditsReleased',
      data: { reason: 'failed', amountMicros: '600' },
    });
    expect(availableMicros(state)).toBe(1_000n);
  });

  it('expires holds whose time ran out, before deciding a new hold', () => {
    const { state } = run([grant(1_000n), reserve('r1', 900n, NOW, MINUTE)]);
    expect(refusedReason(state, reserve('r2', 500n, '2026-11-25T10:00:30.000Z'))).toBe(
      'insufficient_credits',
    );
    const events = creditAccountDecider.decide(reserve('r2', 500n, '2026-11-25T10:01:00.000Z'), state);
    expect(
      events.map((event) => [event.type, (event.data as { reservationId?: string }).reservationId]),
    ).toEqual([
      ['CreditsReleased', 'r1'],
      ['CreditsReserved', 'r2'],
    ]);
    expect(events[0]).toMatchObject({ data: { reason: 'expired' } });
  });

  it('expires on demand, and only what ran out', () => {
    const { state } = run([
      grant(1_000n),
      reserve('r1', 100n, NOW, MINUTE),
      reserve('r2', 100n, NOW, 5 * MINUTE),
    ]);
    const events = creditAccountDecider.decide(
      { type: 'ExpireReservations', userId: 'alice', now: '2026-11-25T10:02:00.000Z' },
      state,
    );
    expect(events.map((event) => (event.data as { reservationId?: string }).reservationId)).toEqual(['r1']);
  });

  describe('monthly cap', () => {
    it('counts spend and open holds of the month against the cap', () => {
      const { state } = run([
        grant(10_000n),
        plan(1_000n),
        reserve('r1', 500n),
        settle('r1', 400n),
        reserve('r2', 300n),
      ]);
      expect(refusedReason(state, reserve('r3', 301n))).toBe('monthly_cap_exceeded');
      expect(creditAccountDecider.decide(reserve('r3', 300n), state)).toHaveLength(1);
    });

    it('starts again in a new month', () => {
      const { state } = run([grant(10_000n), plan(1_000n), reserve('r1', 1_000n), settle('r1', 1_000n)]);
      expect(refusedReason(state, reserve('r2', 1n))).toBe('monthly_cap_exceeded');
      expect(
        creditAccountDecider.decide(reserve('r2', 1_000n, '2026-12-01T00:00:00.000Z'), state),
      ).toHaveLength(1);
    });

    it('a cap of zero refuses everything; no cap refuses nothing beyond the balance', () => {
      const capped = run([grant(10_000n), plan(0n)]).state;
      expect(refusedReason(capped, reserve('r1', 1n))).toBe('monthly_cap_exceeded');
      // The refusal names the setting that lifts it.
      expect(refusal(() => creditAccountDecider.decide(reserve('r1', 1n), capped)).message).toMatch(
        /monthly cap of 0 .*: an admin can raise the plan's monthly_cap_micros \(PUT \/api\/v1\/llm\/credits\/plan\)$/,
      );
      const uncapped = run([grant(10_000n), plan(null)]).state;
      expect(creditAccountDecider.decide(reserve('r1', 10_000n), uncapped)).toHaveLength(1);
    });
  });

  it('keeps the ledger exact: balance = grants + purchases - revocations - debits', () => {
    const { state, events } = run([
      grant(5_000n),
      {
        type: 'RecordCreditPurchase',
        userId: 'alice',
        amountMicros: 2_000n,
        package: 'p10',
        externalId: 'evt_1',
        paymentIntentId: 'pi_1',
      },
      reserve('r1', 1_000n),
      settle('r1', 333n),
      { type: 'RevokeCredits', userId: 'alice', amountMicros: 100n, reason: 'correction' },
    ]);
    expect(fold(creditAccountDecider, events)).toEqual(state);
    expect(state.balanceMicros).toBe(5_000n + 2_000n - 333n - 100n);
  });

  it('credits a purchase once per payment id', () => {
    const purchase: CreditAccountCommand = {
      type: 'RecordCreditPurchase',
      userId: 'alice',
      amountMicros: 2_000n,
      package: 'p10',
      externalId: 'evt_1',
      paymentIntentId: 'pi_1',
    };
    const { state } = run([purchase]);
    expect(creditAccountDecider.decide(purchase, state)).toEqual([]);
    expect(state.balanceMicros).toBe(2_000n);
  });

  it('revokes no more than is available, holds included', () => {
    const { state } = run([grant(1_000n), reserve('r1', 800n)]);
    const error = refusal(() =>
      creditAccountDecider.decide(
        { type: 'RevokeCredits', userId: 'alice', amountMicros: 201n, reason: 'x' },
        state,
      ),
    );
    expect(error.code).toBe('conflict');
  });

  it('changes the plan, and a repeat of the same plan decides nothing', () => {
    const { state, events } = run([plan(5_000n)]);
    expect(events).toHaveLength(1);
    expect(state.plan).toEqual({
      tier: 'starter',
      monthlyCapMicros: 5_000n,
      defaultPowerLevel: 'eco',
      privacyMode: false,
    });
    expect(creditAccountDecider.decide(plan(5_000n), state)).toEqual([]);
  });

  it.each([
    { tier: 'gold', defaultPowerLevel: 'eco', field: 'tier' },
    { tier: 'free', defaultPowerLevel: 'turbo', field: 'default_power_level' },
  ])('refuses an unknown plan value %j', ({ tier, defaultPowerLevel }) => {
    const error = refusal(() =>
      creditAccountDecider.decide(
        {
          type: 'SetAccountPlan',
          userId: 'alice',
          tier,
          monthlyCapMicros: null,
          defaultPowerLevel,
          privacyMode: false,
        },
        creditAccountDecider.initialState,
      ),
    );
    expect(error.code).toBe('invalid');
  });

  describe('refunds and disputes', () => {
    const purchase = (paymentIntentId = 'pi_1'): CreditAccountCommand => ({
      type: 'RecordCreditPurchase',
      userId: 'alice',
      amountMicros: 10_000_000n,
      package: 'starter-10',
      externalId: `cs_${paymentIntentId}`,
      paymentIntentId,
    });
    const reverse = (
      trigger: 'refund' | 'dispute',
      reversedCents: number,
      paymentIntentId = 'pi_1',
    ): CreditAccountCommand => ({
      type: 'ReversePurchase',
      userId: 'alice',
      paymentIntentId,
      trigger,
      reversedCents,
      paidCents: 1_000,
      reference: trigger === 'refund' ? 'ch_1' : 'dp_1',
    });

    it('a full refund of spent credits revokes the purchase and leaves the balance below zero', () => {
      const { state, events } = run([
        purchase(),
        reserve('r1', 4_000_000n),
        settle('r1', 4_000_000n),
        reverse('refund', 1_000),
      ]);
      expect(events.at(-1)).toEqual({
        type: 'CreditsRevoked',
        data: {
          userId: 'alice',
          amountMicros: '10000000',
          reason: 'refund ch_1 of payment pi_1',
          paymentIntentId: 'pi_1',
          trigger: 'refund',
        },
      });
      expect(state.balanceMicros).toBe(-4_000_000n);
      expect(refusedReason(state, reserve('r2', 1n))).toBe('insufficient_credits');
    });

    it('partial refunds revoke their share; the cumulative amount makes retries revoke once', () => {
      const first = run([purchase(), reverse('refund', 250)]);
      expect(first.state.balanceMicros).toBe(7_500_000n);
      expect(creditAccountDecider.decide(reverse('refund', 250), first.state)).toEqual([]);
      const second = run([reverse('refund', 1_000)], first.state);
      expect(second.events).toMatchObject([{ data: { amountMicros: '7500000' } }]);
      expect(second.state.balanceMicros).toBe(0n);
    });

    it('rounds a share up, so refunds that repay everything revoke everything', () => {
      const { state } = run([
        { ...purchase(), amountMicros: 10n } as CreditAccountCommand,
        reverse('refund', 1),
        reverse('refund', 999),
        reverse('refund', 1_000),
      ]);
      expect(state.balanceMicros).toBe(0n);
    });

    it('a dispute revokes the whole purchase, less what refunds already took, once', () => {
      const { state, events } = run([
        purchase(),
        reverse('refund', 100),
        reverse('dispute', 0),
        reverse('dispute', 0),
        reverse('refund', 1_000),
      ]);
      expect(events.filter((event) => event.type === 'CreditsRevoked')).toHaveLength(2);
      expect(state.balanceMicros).toBe(0n);
      expect(state.payments.get('pi_1')).toEqual({
        purchasedMicros: 10_000_000n,
        revokedMicros: 10_000_000n,
      });
    });

    it('refuses a reversal of a payment this account never made, and malformed amounts', () => {
      const { state } = run([purchase()]);
      expect(refusal(() => creditAccountDecider.decide(reverse('dispute', 0, 'pi_other'), state)).code).toBe(
        'not_found',
      );
      expect(refusal(() => creditAccountDecider.decide(reverse('refund', 1_001), state)).code).toBe(
        'invalid',
      );
      expect(refusal(() => creditAccountDecider.decide(reverse('refund', -1), state)).code).toBe('invalid');
    });

    it('credits a payment intent once, even under another session id', () => {
      const { state } = run([purchase()]);
      const again = { ...purchase(), externalId: 'cs_other' } as CreditAccountCommand;
      expect(refusal(() => creditAccountDecider.decide(again, state)).code).toBe('conflict');
    });
  });
});
