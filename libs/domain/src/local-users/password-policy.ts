import { DomainError } from '../shared/domain-error';
import { COMMON_WEAK_PASSWORDS } from './weak-passwords';

export const MIN_PASSWORD_LENGTH = 12;
/** crypt(3) implementations read long inputs slowly or truncate them; nobody types more. */
export const MAX_PASSWORD_LENGTH = 256;

/** Digits and symbols people append to a common word to reach a minimum length. */
const TRAILING_DECORATION = /[\d\s!@#$%^&*()_+=.,;:?~-]+$/;

/**
 * Refuses a plain password that is too short or long, a well-known one (also with digits or symbols
 * appended), one character repeated, or the account's own name. Messages never echo the password.
 */
export function assertStrongPassword(plain: string, field = 'password', username?: string): void {
  const refuse = (reason: string): DomainError => new DomainError('invalid', `${field} ${reason}`, field);
  const characters = [...plain];
  if (characters.length < MIN_PASSWORD_LENGTH || characters.length > MAX_PASSWORD_LENGTH) {
    throw refuse(`must be ${MIN_PASSWORD_LENGTH}-${MAX_PASSWORD_LENGTH} characters long`);
  }
  // A NUL ends the string for crypt(3) and a line break cannot pass through chpasswd.
  if (/[\n\r]/.test(plain) || plain.includes('\u0000')) throw refuse('must not contain line breaks or NUL');
  if (characters.every((character) => character === characters[0])) {
    throw refuse('must not be one character repeated');
  }
  const lower = plain.toLowerCase();
  const undecorated = lower.replace(TRAILING_DECORATION, '');
  if (COMMON_WEAK_PASSWORDS.has(lower) || COMMON_WEAK_PASSWORDS.has(undecorated)) {
    throw refuse('is a commonly used password');
  }
  if (username !== undefined && (lower === username || undecorated === username)) {
    throw refuse('must not be the username');
  }
}

const CRYPT_ALPHABET = '[./A-Za-z0-9]';
/**
 * The crypt(3) formats a current glibc or libxcrypt verifies and that are still considered sound:
 * SHA-512 (`$6$`) and SHA-256 (`$5$`) crypt with optional rounds, and yescrypt (`$y$`). DES, MD5
 * (`$1$`), bcrypt and locked markers (`!`, `*`) are refused, as Ansible refuses malformed hashes.
 */
const SHA_CRYPT = new RegExp(
  `^\\$([56])\\$(?:rounds=([1-9][0-9]{0,8})\\$)?${CRYPT_ALPHABET}{1,16}\\$(${CRYPT_ALPHABET}+)$`,
);
const SHA_CRYPT_HASH_LENGTH: Readonly<Record<string, number>> = { '5': 43, '6': 86 };
/** glibc's bounds for `rounds=`; a hash outside them was not produced by crypt(3). */
const MIN_ROUNDS = 1000;
const MAX_ROUNDS = 999_999_999;
const YESCRYPT = new RegExp(
  `^\\$y\\$j${CRYPT_ALPHABET}{2,16}\\$${CRYPT_ALPHABET}{1,86}\\$${CRYPT_ALPHABET}{43}$`,
);

export function isValidPasswordHash(hash: string): boolean {
  if (YESCRYPT.test(hash)) return true;
  const sha = SHA_CRYPT.exec(hash);
  if (sha === null) return false;
  const [, variant, rounds, digest] = sha;
  if (rounds !== undefined && (Number(rounds) < MIN_ROUNDS || Number(rounds) > MAX_ROUNDS)) return false;
  return digest.length === SHA_CRYPT_HASH_LENGTH[variant];
}

/** The hash ends up as a field of /etc/shadow, so only the crypt alphabet and `$` may appear in it. */
export function assertValidPasswordHash(hash: string, field = 'password_hash'): void {
  if (!isValidPasswordHash(hash)) {
    throw new DomainError(
      'invalid',
      `${field} must be a SHA-512 crypt ($6$), SHA-256 crypt ($5$) or yescrypt ($y$) hash`,
      field,
    );
  }
}
