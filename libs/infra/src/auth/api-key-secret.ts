import { API_KEY_PREFIX_LENGTH, API_KEY_SCHEME } from '@ops/domain/api-keys';
import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes: 256 bits, far beyond guessing, base64url so the key is one URL- and header-safe word. */
const SECRET_BYTES = 32;
const API_KEY_FORMAT = new RegExp(`^${API_KEY_SCHEME}[A-Za-z0-9_-]{43}$`);

export interface NewApiKey {
  /** The whole key: shown to its owner once, never stored. */
  key: string;
  prefix: string;
  secretHash: string;
}

export function isApiKeyToken(token: string): boolean {
  return token.startsWith(API_KEY_SCHEME);
}

export function isWellFormedApiKey(token: string): boolean {
  return API_KEY_FORMAT.test(token);
}

/**
 * Plain SHA-256, no salt, no server secret: the key is 256 random bits, so neither brute force nor a
 * precomputed table can invert the hash, and a fast hash keeps each gateway call to one indexed
 * lookup. A keyed HMAC would add a secret every API replica must share and that, once lost, would
 * invalidate every key, without making a 256-bit secret any harder to guess.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): NewApiKey {
  const key = `${API_KEY_SCHEME}${randomBytes(SECRET_BYTES).toString('base64url')}`;
  return { key, prefix: key.slice(0, API_KEY_PREFIX_LENGTH), secretHash: hashApiKey(key) };
}
