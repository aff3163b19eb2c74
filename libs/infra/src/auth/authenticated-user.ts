import { isValidUserId } from '@ops/domain';
import { isRole, type Role } from './roles';

/** The caller of a request, as established by a verified token. */
export interface AuthenticatedUser {
  /** The token's `sub`. */
  id: string;
  roles: Role[];
  username?: string;
  /** Set when the caller authenticated with a personal API key rather than a JWT: that key's id. */
  apiKeyId?: string;
  /** Set when the token was issued for a console session (`console_sid`): valid only while that session is open. */
  sessionId?: string;
}

/**
 * A subject is a user id (the domain's rule): subjects become parts of stream names and read-model
 * keys, so odd characters are refused at the door rather than escaped everywhere.
 */
export function isValidSubject(value: unknown): value is string {
  return typeof value === 'string' && isValidUserId(value);
}

/** The claims both modes carry: local tokens mimic Keycloak's shape so one mapper serves both. */
export interface TokenClaims {
  sub?: unknown;
  preferred_username?: unknown;
  realm_access?: { roles?: unknown };
  /** Not `sid`: Keycloak's tokens carry one for their own sessions. */
  console_sid?: unknown;
}

/**
 * Maps verified claims to the user, or null when the token names no usable subject. Roles this
 * platform does not know (Keycloak adds `offline_access`, `uma_authorization`, ...) are dropped.
 */
export function userFromClaims(claims: TokenClaims): AuthenticatedUser | null {
  if (!isValidSubject(claims.sub)) return null;
  const granted = claims.realm_access?.roles;
  const roles = Array.isArray(granted) ? [...new Set(granted.filter(isRole))] : [];
  const username = typeof claims.preferred_username === 'string' ? claims.preferred_username : undefined;
  const sessionId = typeof claims.console_sid === 'string' ? claims.console_sid : undefined;
  return {
    id: claims.sub,
    roles,
    ...(username !== undefined && { username }),
    ...(sessionId !== undefined && { sessionId }),
  };
}
