import { given } from '../shared/testing';
import type { PrivacyEvent } from './privacy.events';
import { privacyDecider } from './privacy.decider';

const erase = (subject = 'alice') =>
  ({ type: 'RecordPersonalDataErasure', subject, erasedBy: 'root-admin' }) as const;
const erased: PrivacyEvent = {
  type: 'PersonalDataErased',
  data: { subject: 'alice', erasedBy: 'root-admin' },
};

describe('privacy decider', () => {
  it('records one erasure with who asked for it', () => {
    given(privacyDecider)
      .when(erase())
      .then([erased], (state) => expect(state.erased).toBe(true));
  });

  it('records nothing when the subject was already erased', () => {
    given(privacyDecider, erased).when(erase()).then([]);
  });

  it.each(['', '../x', 'a b'])('refuses the subject %j', (subject) => {
    given(privacyDecider).when(erase(subject)).thenRefused('invalid', 'subject');
  });
});
