import type { Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import { assertValidUserId } from '../shared/user-id';
import { isDisplayPrefix, isSha256Hex } from './api-key-format';
import type { ApiKeyCommand, IssueApiKey, RevokeAllApiKeys, RevokeApiKey } from './api-key.commands';
import type { ApiKeyEvent } from './api-key.events';

export interface ApiKeyEntry {
  readonly name: string;
  readonly prefix: string;
  readonly revoked: boolean;
  /** ISO 8601; null for a key without expiry. */
  readonly expiresAt: string | null;
}

export interface ApiKeyState {
  /** Every key the user was ever issued, by key id, revoked ones included. */
  readonly keys: ReadonlyMap<string, ApiKeyEntry>;
}

/** Enough for one key per tool or machine; more is usually keys nobody remembers to revoke. */
export const MAX_ACTIVE_API_KEYS = 20;
export const MAX_API_KEY_NAME_LENGTH = 100;
/** An expiry further out than this is a typo or "never" in disguise: leave it out for a key that lasts. */
export const MAX_API_KEY_LIFETIME_DAYS = 3_660;
const DAY_MS = 86_400_000;
const NAME_FORBIDDEN = /\p{C}/u;
const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Keys neither revoked nor expired at `now` (ISO 8601): the ones that count against the limit. */
export function activeKeyCount(state: ApiKeyState, now: string): number {
  return [...state.keys.values()].filter((key) => !key.revoked && !isExpired(key, now)).length;
}

export function isExpired(key: Pick<ApiKeyEntry, 'expiresAt'>, now: string): boolean {
  return key.expiresAt !== null && Date.parse(key.expiresAt) <= Date.parse(now);
}

/** The expiry as recorded (normalised ISO 8601), or a refusal when it is not a time in the allowed window. */
function validExpiry(expiresAt: string | null, issuedAt: string): string | null {
  if (expiresAt === null) return null;
  const issued = Date.parse(issuedAt);
  if (Number.isNaN(issued)) throw new Error('IssueApiKey needs an ISO 8601 issuedAt');
  const expires = Date.parse(expiresAt);
  if (Number.isNaN(expires) || expires <= issued || expires > issued + MAX_API_KEY_LIFETIME_DAYS * DAY_MS) {
    throw new DomainError(
      'invalid',
      `expires_at must be a time in the future, at most ${MAX_API_KEY_LIFETIME_DAYS} days ahead`,
      'expires_at',
    );
  }
  return new Date(expires).toISOString();
}

function decideIssue(command: IssueApiKey, state: ApiKeyState): ApiKeyEvent[] {
  assertValidUserId(command.userId);
  const name = command.name.trim();
  const length = [...name].length;
  if (length === 0 || length > MAX_API_KEY_NAME_LENGTH || NAME_FORBIDDEN.test(name)) {
    throw new DomainError(
      'invalid',
      `name must be 1-${MAX_API_KEY_NAME_LENGTH} printable characters`,
      'name',
    );
  }
  // The API layer makes these; a wrong shape is a bug that must not write a secret into the log.
  if (!KEY_ID.test(command.keyId) || !isDisplayPrefix(command.prefix) || !isSha256Hex(command.secretHash)) {
    throw new Error('IssueApiKey needs a lowercase UUID key id, a display prefix and a SHA-256 hex hash');
  }
  const expiresAt = validExpiry(command.expiresAt, command.issuedAt);
  if (state.keys.has(command.keyId)) {
    throw new DomainError('conflict', `key ${command.keyId} already exists`, 'id');
  }
  if (activeKeyCount(state, command.issuedAt) >= MAX_ACTIVE_API_KEYS) {
    throw new DomainError(
      'conflict',
      `at most ${MAX_ACTIVE_API_KEYS} API keys may be active at once: revoke one first`,
      'name',
    );
  }
  return [
    {
      type: 'ApiKeyIssued',
      data: {
        userId: command.userId,
        keyId: command.keyId,
        name,
        prefix: command.prefix,
        secretHash: command.secretHash,
        ...(expiresAt !== null && { expiresAt }),
      },
    },
  ];
}

function decideRevoke(command: RevokeApiKey, state: ApiKeyState): ApiKeyEvent[] {
  const key = state.keys.get(command.keyId);
  // Another user's key is not in this stream: to the caller it does not exist.
  if (!key) throw new DomainError('not_found', `no API key ${command.keyId}`, 'id');
  if (key.revoked) return [];
  return [{ type: 'ApiKeyRevoked', data: { userId: command.userId, keyId: command.keyId } }];
}

function decideRevokeAll(command: RevokeAllApiKeys, state: ApiKeyState): ApiKeyEvent[] {
  assertValidUserId(command.userId);
  // Expired keys are revoked too: a revocation is final, an expiry is only what the key said of itself.
  return [...state.keys]
    .filter(([, key]) => !key.revoked)
    .map(([keyId]) => ({ type: 'ApiKeyRevoked', data: { userId: command.userId, keyId } }));
}

export const apiKeyDecider: Decider<ApiKeyCommand, ApiKeyEvent, ApiKeyState> = {
  initialState: { keys: new Map() },
  decide(command, state) {
    switch (command.type) {
      case 'IssueApiKey':
        return decideIssue(command, state);
      case 'RevokeApiKey':
        return decideRevoke(command, state);
      case 'RevokeAllApiKeys':
        return decideRevokeAll(command, state);
    }
  },
  evolve(state, event) {
    const keys = new Map(state.keys);
    switch (event.type) {
      case 'ApiKeyIssued':
        keys.set(event.data.keyId, {
          name: event.data.name,
          prefix: event.data.prefix,
          revoked: false,
          expiresAt: event.data.expiresAt ?? null,
        });
        break;
      case 'ApiKeyRevoked': {
        const key = keys.get(event.data.keyId);
        if (key) keys.set(event.data.keyId, { ...key, revoked: true });
        break;
      }
    }
    return { keys };
  },
};
