import type { Decider, DomainEvent } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import { assertValidUserId } from '../shared/user-id';

/**
 * Whether a person (a token subject) may authenticate at all. People live in the identity provider;
 * this is the platform's own switch, so an admin can cut someone off here whatever their tokens say.
 */
export interface DeactivateSubject {
  readonly type: 'DeactivateSubject';
  readonly subject: string;
  readonly by: string;
}

export interface ReactivateSubject {
  readonly type: 'ReactivateSubject';
  readonly subject: string;
  readonly by: string;
}

export type SubjectAccessCommand = DeactivateSubject | ReactivateSubject;

export type SubjectDeactivated = DomainEvent<
  'SubjectDeactivated',
  { subject: string; deactivatedBy: string }
>;
export type SubjectReactivated = DomainEvent<
  'SubjectReactivated',
  { subject: string; reactivatedBy: string }
>;
export type SubjectAccessEvent = SubjectDeactivated | SubjectReactivated;

export const SUBJECT_ACCESS_SCHEMA_VERSIONS: Record<SubjectAccessEvent['type'], number> = {
  SubjectDeactivated: 1,
  SubjectReactivated: 1,
};

export const SUBJECT_ACCESS_EVENT_TYPES = Object.keys(
  SUBJECT_ACCESS_SCHEMA_VERSIONS,
) as readonly SubjectAccessEvent['type'][];

export const SUBJECT_ACCESS_CATEGORY = 'subject-access-';

export function subjectAccessStream(subject: string): string {
  return `${SUBJECT_ACCESS_CATEGORY}${subject}`;
}

export interface SubjectAccessState {
  readonly active: boolean;
}

/** Idempotent both ways; nobody deactivates themselves, so the last admin cannot lock everyone out. */
export const subjectAccessDecider: Decider<SubjectAccessCommand, SubjectAccessEvent, SubjectAccessState> = {
  initialState: { active: true },
  decide(command, state) {
    assertValidUserId(command.subject, 'subject');
    switch (command.type) {
      case 'DeactivateSubject':
        if (command.subject === command.by) {
          throw new DomainError('forbidden', 'nobody may deactivate themselves', 'subject');
        }
        return state.active
          ? [{ type: 'SubjectDeactivated', data: { subject: command.subject, deactivatedBy: command.by } }]
          : [];
      case 'ReactivateSubject':
        return state.active
          ? []
          : [{ type: 'SubjectReactivated', data: { subject: command.subject, reactivatedBy: command.by } }];
    }
  },
  evolve(_state, event) {
    switch (event.type) {
      case 'SubjectDeactivated':
        return { active: false };
      case 'SubjectReactivated':
        return { active: true };
    }
  },
};
