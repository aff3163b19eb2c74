import { refusal } from '../local-users/testing';
import { fold } from '../shared/decider';
import { privacyDecider } from './privacy.decider';

const erase = (subject = 'alice') =>
  ({ type: 'RecordPersonalDataErasure', subject, erasedBy: 'root-admin' }) as const;

describe('privacy decider', () => {
  it('records one erasure with who asked for it', () => {
    expect(privacyDecider.decide(erase(), privacyDecider.initialState)).toEqual([
      { type: 'PersonalDataErased', data: { subject: 'alice', erasedBy: 'root-admin' } },
    ]);
  });

  it('records nothing when the subject was already erased', () => {
    const state = fold(privacyDecider, privacyDecider.decide(erase(), privacyDecider.initialState));
    expect(state.erased).toBe(true);
    expect(privacyDecider.decide(erase(), state)).toEqual([]);
  });

  it.each(['', '../x', 'a b'])('refuses the subject %j', (subject) => {
    expect(refusal(() => privacyDecider.decide(erase(subject), privacyDecider.initialState)).field).toBe(
      'subject',
    );
  });
});
