import { DomainError } from '../shared/domain-error';
import { USERNAME_PATTERN, USERNAME_RULE } from './username';

const SHELL_PATTERN = /^\/[A-Za-z0-9._/-]{1,255}$/;

/** An absolute path with no `..` segment, so it cannot point outside where it says it does. */
export function assertValidShell(shell: string, field = 'shell'): void {
  if (!SHELL_PATTERN.test(shell) || shell.split('/').includes('..')) {
    throw new DomainError(
      'invalid',
      `${field} must be an absolute path of letters, digits, '.', '_', '-' and '/' without '..'`,
      field,
    );
  }
}

export const MAX_GROUPS = 32;
/**
 * Membership in these grants root or sudo, which must only come from the explicit `sudo` flag so
 * that granting and revoking it is one visible event.
 */
export const PRIVILEGED_GROUPS: readonly string[] = ['root', 'sudo', 'wheel', 'admin'];

/**
 * Groups whose members can become root without sudo (raw disks, the container or VM daemons, the
 * shadow file, every log): the default of the configurable list the domain and the agent refuse.
 */
export const ROOT_EQUIVALENT_GROUPS: readonly string[] = [
  'disk',
  'docker',
  'lxd',
  'shadow',
  'adm',
  'kvm',
  'libvirt',
  'systemd-journal',
];

/**
 * Supplementary groups: group names follow the username rule (shadow-utils uses the same one).
 * `refused` is the configured list of root-equivalent groups; the agent calls this with its own copy.
 */
export function assertValidGroups(
  groups: readonly string[],
  refused: readonly string[],
  field = 'groups',
): void {
  if (groups.length > MAX_GROUPS) {
    throw new DomainError('invalid', `${field} must list at most ${MAX_GROUPS} groups`, field);
  }
  groups.forEach((group, index) => {
    if (!USERNAME_PATTERN.test(group)) {
      throw new DomainError('invalid', `${field}[${index}] must be ${USERNAME_RULE}`, field);
    }
    if (PRIVILEGED_GROUPS.includes(group)) {
      throw new DomainError('invalid', `${field}[${index}] grants privileges: use sudo instead`, field);
    }
    // The name passed the pattern above, so it is safe to repeat.
    if (refused.includes(group)) {
      throw new DomainError(
        'invalid',
        `${field}[${index}] ${group} is root-equivalent and cannot be granted as a plain group`,
        field,
      );
    }
  });
  if (new Set(groups).size !== groups.length) {
    throw new DomainError('invalid', `${field} must not list a group twice`, field);
  }
}

/**
 * Every group must exist on the host, when its inventory says which do: a group it lacks would only
 * fail there, after the change was accepted.
 */
export function assertGroupsOnHost(
  groups: readonly string[],
  known: readonly string[] | null,
  field = 'groups',
): void {
  if (known === null) return;
  const missing = groups.filter((group) => !known.includes(group));
  if (missing.length > 0) {
    // The names passed assertValidGroups, so they are safe to repeat.
    throw new DomainError('invalid', `${field}: the host has no group ${missing.join(', ')}`, field);
  }
}

/** The shell must be one the host's /etc/shells lists, when its inventory tells. */
export function assertShellOnHost(shell: string, known: readonly string[] | null, field = 'shell'): void {
  if (known !== null && !known.includes(shell)) {
    throw new DomainError(
      'invalid',
      `${field}: ${shell} is not a login shell the host lists in /etc/shells`,
      field,
    );
  }
}

export const MAX_FULL_NAME_LENGTH = 256;
/** `:` separates /etc/passwd fields and control characters would break or hide the line; GECOS commas are fine. */
const FULL_NAME_FORBIDDEN = /[:\p{Cc}]/u;

export function assertValidFullName(fullName: string, field = 'full_name'): void {
  if ([...fullName].length > MAX_FULL_NAME_LENGTH || FULL_NAME_FORBIDDEN.test(fullName)) {
    throw new DomainError(
      'invalid',
      `${field} must be at most ${MAX_FULL_NAME_LENGTH} characters without ':' or control characters`,
      field,
    );
  }
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day from 1970 on: shadow counts expiry in days since the epoch. */
export function assertValidExpiryDate(expiresOn: string, field = 'expires_on'): void {
  const match = DATE_PATTERN.exec(expiresOn);
  const [year, month, day] = match === null ? [0, 0, 0] : match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  const real =
    match !== null &&
    year >= 1970 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day;
  if (!real) {
    throw new DomainError('invalid', `${field} must be a calendar date as YYYY-MM-DD, 1970 or later`, field);
  }
}
