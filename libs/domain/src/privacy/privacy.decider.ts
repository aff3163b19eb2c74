import type { Decider } from '../shared/decider';
import { assertValidUserId } from '../shared/user-id';
import type { PrivacyCommand } from './privacy.commands';
import type { PrivacyEvent } from './privacy.events';

export interface PrivacyState {
  readonly erased: boolean;
}

/** Erasure cannot be undone, so erasing again records nothing new. */
export const privacyDecider: Decider<PrivacyCommand, PrivacyEvent, PrivacyState> = {
  initialState: { erased: false },
  decide(command, state) {
    assertValidUserId(command.subject, 'subject');
    if (state.erased) return [];
    return [{ type: 'PersonalDataErased', data: { subject: command.subject, erasedBy: command.erasedBy } }];
  },
  evolve(_state, event) {
    switch (event.type) {
      case 'PersonalDataErased':
        return { erased: true };
    }
  },
};
