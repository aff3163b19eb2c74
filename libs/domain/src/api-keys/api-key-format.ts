/** Every personal API key starts with this, so a bearer token is told apart from a JWT at a glance. */
export const API_KEY_SCHEME = 'sk-ops-';
/** How much of a key is kept and shown to tell keys apart: the scheme and five secret characters. */
export const API_KEY_PREFIX_LENGTH = 12;

const DISPLAY_PREFIX = new RegExp(
  `^${API_KEY_SCHEME}[A-Za-z0-9_-]{${API_KEY_PREFIX_LENGTH - API_KEY_SCHEME.length}}$`,
);
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Shape checks that keep the secret out of the log: a prefix longer than the display length, or a
 * "hash" that is not 64 hex digits, could be (part of) the key itself.
 */
export function isDisplayPrefix(value: string): boolean {
  return DISPLAY_PREFIX.test(value);
}

export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value);
}
