import type { DomainEvent } from '../shared/decider';

/**
 * The subject's data key was destroyed: every field sealed for them now reads as erased. The events
 * that carry those fields are left untouched, so every stream still replays and verifies.
 */
export type PersonalDataErased = DomainEvent<'PersonalDataErased', { subject: string; erasedBy: string }>;

export type PrivacyEvent = PersonalDataErased;

export const PRIVACY_SCHEMA_VERSIONS: Record<PrivacyEvent['type'], number> = {
  PersonalDataErased: 1,
};

export const PRIVACY_EVENT_TYPES = Object.keys(PRIVACY_SCHEMA_VERSIONS) as readonly PrivacyEvent['type'][];
