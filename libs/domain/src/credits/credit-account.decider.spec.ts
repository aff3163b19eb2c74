import { refusal } from '../local-users/testing';
import { fold } from '../shared/decider';
import { creditAccountDecider, MAX_BALANCE_MICROS, MAX_GRANT_MICROS } from './credit-account.decider';
import { INITIAL_CREDIT_ACCOUNT } from './credit-account.state';
import type { CreditAccountEvent } from './credit-account.events';

const grant = (amountMicros: bigint, reason = 'welcome bonus', userId = 'alice') =>
  ({ type: 'GrantCredits', userId, amountMicros, reason }) as const;

describe('credit account decider', () => {
  it('grants credits as one CreditsGranted event with the amount as a string', () => {
    const events = creditAccountDecider.decide(grant(2_500_000n), creditAccountDecider.initialState);
    expect(events).toEqual([
      { type: 'CreditsGranted', data: { userId: 'alice', amountMicros: '2500000', reason: 'welcome bonus' } },
    ]);
  });

  it('folds grants into the balance exactly', () => {
    const history: CreditAccountEvent[] = [
      { type: 'CreditsGranted', data: { userId: 'alice', amountMicros: '1', reason: 'a' } },
      { type: 'CreditsGranted', data: { userId: 'alice', amountMicros: '999999999999', reason: 'b' } },
    ];
    expect(fold(creditAccountDecider, history).balanceMicros).toBe(1_000_000_000_000n);
  });

  it.each([0n, -1n])('refuses a grant of %s micros', (amount) => {
    const error = refusal(() =>
      creditAccountDecider.decide(grant(amount), creditAccountDecider.initialState),
    );
    expect(error.code).toBe('invalid');
    expect(error.field).toBe('amount_micros');
  });

  it('refuses an absurdly large grant', () => {
    const error = refusal(() =>
      creditAccountDecider.decide(grant(MAX_GRANT_MICROS + 1n), creditAccountDecider.initialState),
    );
    expect(error.message).toMatch(/at most/);
  });

  it('accepts the largest allowed grant', () => {
    expect(
      creditAccountDecider.decide(grant(MAX_GRANT_MICROS), creditAccountDecider.initialState),
    ).toHaveLength(1);
  });

  it('refuses a grant that would push the balance past the ceiling', () => {
    const error = refusal(() =>
      creditAccountDecider.decide(grant(1n), {
        ...INITIAL_CREDIT_ACCOUNT,
        balanceMicros: MAX_BALANCE_MICROS,
      }),
    );
    expect(error.code).toBe('conflict');
  });

  it.each(['', '   ', 'x'.repeat(501)])('refuses the reason %j', (reason) => {
    const error = refusal(() =>
      creditAccountDecider.decide(grant(1n, reason), creditAccountDecider.initialState),
    );
    expect(error.field).toBe('reason');
  });

  it('trims the reason it records', () => {
    const [event] = creditAccountDecider.decide(grant(1n, '  refund  '), creditAccountDecider.initialState);
    expect(event).toMatchObject({ data: { reason: 'refund' } });
  });

  it.each(['', 'a b', '../x', '-flag', 'x'.repeat(129), 'ａlice'])('refuses the user id %j', (userId) => {
    const error = refusal(() =>
      creditAccountDecider.decide(grant(1n, 'ok', userId), creditAccountDecider.initialState),
    );
    expect(error.field).toBe('user_id');
  });
});
