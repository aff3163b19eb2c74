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
}

export interface RevokeApiKey {
  readonly type: 'RevokeApiKey';
  readonly userId: string;
  readonly keyId: string;
}

export type ApiKeyCommand = IssueApiKey | RevokeApiKey;
