import { DomainError } from './domain-error';

/**
 * User ids come from the identity provider (Keycloak subjects are UUIDs; single-node tokens carry any
 * short id). They end up in stream names, so the alphabet is kept narrow.
 */
export const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
export const USER_ID_RULE =
  "1-128 characters of letters, digits, '.', '_', '@' or '-', starting with a letter or digit";

export function assertValidUserId(userId: string, field = 'user_id'): void {
  if (!USER_ID_PATTERN.test(userId)) {
    throw new DomainError('invalid', `${field} must be ${USER_ID_RULE}`, field);
  }
}

export function isValidUserId(userId: string): boolean {
  return USER_ID_PATTERN.test(userId);
}
