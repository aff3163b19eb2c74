import type { Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import { formatMicros, type Micros } from '../shared/micros';
import { assertValidUserId } from '../shared/user-id';
import type { CreditAccountCommand, GrantCredits } from './credit-account.commands';
import type { CreditAccountEvent } from './credit-account.events';

export interface CreditAccountState {
  readonly balanceMicros: Micros;
}

/** One grant is at most 1,000,000 USD: larger is a typo, not a purchase. */
export const MAX_GRANT_MICROS: Micros = 1_000_000n * 1_000_000n;
/** Keeps every balance far from 64-bit overflow in the read models. */
export const MAX_BALANCE_MICROS: Micros = 1_000_000_000n * 1_000_000n;
export const MAX_REASON_LENGTH = 500;

function decideGrant(command: GrantCredits, state: CreditAccountState): CreditAccountEvent[] {
  assertValidUserId(command.userId);
  if (command.amountMicros <= 0n) {
    throw new DomainError('invalid', 'amount_micros must be greater than zero', 'amount_micros');
  }
  if (command.amountMicros > MAX_GRANT_MICROS) {
    throw new DomainError(
      'invalid',
      `amount_micros must be at most ${MAX_GRANT_MICROS} (1,000,000 USD)`,
      'amount_micros',
    );
  }
  const reason = command.reason.trim();
  if (reason.length === 0 || reason.length > MAX_REASON_LENGTH) {
    throw new DomainError('invalid', `reason must be 1-${MAX_REASON_LENGTH} characters`, 'reason');
  }
  if (state.balanceMicros + command.amountMicros > MAX_BALANCE_MICROS) {
    throw new DomainError(
      'conflict',
      `the balance would exceed ${MAX_BALANCE_MICROS} micro-USD`,
      'amount_micros',
    );
  }
  return [
    {
      type: 'CreditsGranted',
      data: { userId: command.userId, amountMicros: formatMicros(command.amountMicros), reason },
    },
  ];
}

export const creditAccountDecider: Decider<CreditAccountCommand, CreditAccountEvent, CreditAccountState> = {
  initialState: { balanceMicros: 0n },
  decide(command, state) {
    switch (command.type) {
      case 'GrantCredits':
        return decideGrant(command, state);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'CreditsGranted':
        return { balanceMicros: state.balanceMicros + BigInt(event.data.amountMicros) };
    }
  },
};
