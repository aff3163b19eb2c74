/**
 * The API layer generates the key and its id (the domain has no randomness) and passes only what may
 * be recorded: the display prefix and the hash. The secret itself never reaches the domain.
 */
export interface IssueApiKey {
  readonly type: 'IssueApiKey';
  readonly userId: string;
  readonly keyId: string;
  readonly name: string;
  readonly prefix: string;
  readonly secretHash: string;
  /** When the key stops working (ISO 8601), or null for a key that lasts until revoked. */
  readonly expiresAt: string | null;
  /** The API layer's clock when the key was made: an expiry must lie after it. */
  readonly issuedAt: string;
}

export interface RevokeApiKey {
  readonly type: 'RevokeApiKey';
  readonly userId: string;
  readonly keyId: string;
}

/** Revokes every key of the user that is not revoked yet: their erasure, or an admin's response to a leak. */
export interface RevokeAllApiKeys {
  readonly type: 'RevokeAllApiKeys';
  readonly userId: string;
}

export type ApiKeyCommand = IssueApiKey | RevokeApiKey | RevokeAllApiKeys;
