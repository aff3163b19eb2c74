import { DomainError } from '../shared/domain-error';

/**
 * The only names the host agent will ever pass to useradd and friends: ASCII only (no look-alikes),
 * never starting with `-` (no option injection) or a digit, no `.` or `/` (no paths), 32 characters at
 * most (the utmp limit). JavaScript's `$` does not match before a trailing newline, so none slips in.
 */
export const USERNAME_PATTERN = /^[a-z_][a-z0-9_-]{0,31}$/;
export const USERNAME_RULE =
  "1-32 characters of lowercase letters, digits, '_' or '-', starting with a lowercase letter or '_'";

export function isValidUsername(name: string): boolean {
  return USERNAME_PATTERN.test(name);
}

export function assertValidUsername(name: string, field = 'username'): void {
  if (!isValidUsername(name)) {
    throw new DomainError('invalid', `${field} must be ${USERNAME_RULE}`, field);
  }
}
