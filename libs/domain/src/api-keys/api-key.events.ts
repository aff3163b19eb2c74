import type { DomainEvent } from '../shared/decider';

/**
 * `secretHash` is the SHA-256 of the whole key, hex; `prefix` is its first characters, for display.
 * `expiresAt` (ISO 8601), from schema version 2 on, is present only for a key that expires.
 */
export type ApiKeyIssued = DomainEvent<
  'ApiKeyIssued',
  { userId: string; keyId: string; name: string; prefix: string; secretHash: string; expiresAt?: string }
>;

export type ApiKeyRevoked = DomainEvent<'ApiKeyRevoked', { userId: string; keyId: string }>;

export type ApiKeyEvent = ApiKeyIssued | ApiKeyRevoked;

/** Version of each event's data shape, recorded in the envelope so old events stay readable. */
export const API_KEY_SCHEMA_VERSIONS: Record<ApiKeyEvent['type'], number> = {
  ApiKeyIssued: 2,
  ApiKeyRevoked: 1,
};

export const API_KEY_EVENT_TYPES = Object.keys(API_KEY_SCHEMA_VERSIONS) as readonly ApiKeyEvent['type'][];
