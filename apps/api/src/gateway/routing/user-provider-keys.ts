/** The user's own provider keys (BYOK), as the gateway needs them. */
export interface UserProviderKeys {
  providersWithKeys(userId: string): Promise<ReadonlySet<string>>;
  keyFor(userId: string, provider: string): Promise<string | null>;
}

export const USER_PROVIDER_KEYS = Symbol('USER_PROVIDER_KEYS');
