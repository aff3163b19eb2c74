/** Every key of one user lives in one stream, so the per-user limit is checked on one aggregate. */
export const API_KEY_CATEGORY = 'api-keys-';

export function apiKeyStream(userId: string): string {
  return `${API_KEY_CATEGORY}${userId}`;
}
