/** A user's own provider keys (BYOK) live in one stream per user; the prefix is the category. */
export const PROVIDER_KEYS_CATEGORY = 'provider-keys-';

export function providerKeysStream(userId: string): string {
  return `${PROVIDER_KEYS_CATEGORY}${userId}`;
}

/** What a sealed key or label is bound to: opening it under any other record fails. */
export function providerKeyContext(userId: string, provider: string, field: 'api_key' | 'label'): string {
  return `${providerKeysStream(userId)}/${provider}/${field}`;
}
