import { refusal } from '../local-users/testing';
import { fold } from '../shared/decider';
import { subjectAccessDecider, subjectAccessStream, type SubjectAccessCommand } from './subject-access';

const deactivate = (subject = 'olga', by = 'root'): SubjectAccessCommand => ({
  type: 'DeactivateSubject',
  subject,
  by,
});
const reactivate = (subject = 'olga', by = 'root'): SubjectAccessCommand => ({
  type: 'ReactivateSubject',
  subject,
  by,
});

describe('subject access decider', () => {
  it('deactivates once and reactivates once, recording who did it', () => {
    const { decide, initialState } = subjectAccessDecider;
    const off = decide(deactivate(), initialState);
    expect(off).toEqual([{ type: 'SubjectDeactivated', data: { subject: 'olga', deactivatedBy: 'root' } }]);
    const inactive = fold(subjectAccessDecider, off);
    expect(inactive.active).toBe(false);
    expect(decide(deactivate(), inactive)).toEqual([]);
    const on = decide(reactivate(), inactive);
    expect(on).toEqual([{ type: 'SubjectReactivated', data: { subject: 'olga', reactivatedBy: 'root' } }]);
    expect(decide(reactivate(), fold(subjectAccessDecider, [...off, ...on]))).toEqual([]);
    expect(decide(reactivate(), initialState)).toEqual([]);
  });

  it('refuses self-deactivation and malformed subjects', () => {
    expect(
      refusal(() => subjectAccessDecider.decide(deactivate('root'), subjectAccessDecider.initialState)).code,
    ).toBe('forbidden');
    expect(
      refusal(() => subjectAccessDecider.decide(deactivate('../x'), subjectAccessDecider.initialState)).field,
    ).toBe('subject');
  });

  it('keeps one stream per subject', () => {
    expect(subjectAccessStream('olga')).toBe('subject-access-olga');
  });
});
