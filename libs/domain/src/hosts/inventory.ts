import { DomainError } from '../shared/domain-error';
import type { HostInventory, InventoryAccount } from '../local-users/host-command';

/** Below this uid an account belongs to the system (Debian, Fedora and SUSE all use 1000). */
export const FIRST_REGULAR_UID = 1000;
/** `nobody` sits above the regular range on every distribution but is a system account all the same. */
export const OVERFLOW_UID = 65534;
/** Bounds one report; a host with more local accounts is not one this platform manages. */
export const MAX_INVENTORY_ACCOUNTS = 65_536;
export const MAX_INVENTORY_GROUPS = 65_536;
export const MAX_INVENTORY_SHELLS = 256;
const MAX_SHELL_LENGTH = 4096;
const MAX_ID = 4_294_967_294;

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
/**
 * Names already on a host need not follow our own username rule (Debian ships `Debian-exim`), so an
 * inventory entry is only checked to be one /etc/passwd field.
 */
const PASSWD_FIELD = /^[^:\p{Cc}]*$/u;

export function isSystemAccount(account: InventoryAccount): boolean {
  return account.uid < FIRST_REGULAR_UID || account.uid === OVERFLOW_UID;
}

export function assertValidInventory(inventory: HostInventory): void {
  const refuse = (message: string, field: string): DomainError => new DomainError('invalid', message, field);
  if (!ISO_TIME.test(inventory.takenAt) || Number.isNaN(Date.parse(inventory.takenAt))) {
    throw refuse('taken_at must be an ISO 8601 time', 'taken_at');
  }
  if (inventory.accounts.length > MAX_INVENTORY_ACCOUNTS) {
    throw refuse(`accounts must list at most ${MAX_INVENTORY_ACCOUNTS} accounts`, 'accounts');
  }
  const names = new Set<string>();
  inventory.accounts.forEach((account, index) => {
    const field = `accounts.${index}`;
    const texts = [account.username, account.shell, account.home, ...account.groups];
    if (account.username.length === 0 || !texts.every((text) => PASSWD_FIELD.test(text))) {
      throw refuse(`${field} has an empty username or a field with ':' or control characters`, field);
    }
    if (![account.uid, account.gid].every((id) => Number.isInteger(id) && id >= 0 && id <= MAX_ID)) {
      throw refuse(`${field} must have integer uid and gid between 0 and ${MAX_ID}`, field);
    }
    if (names.has(account.username)) throw refuse(`${field} repeats the username ${account.username}`, field);
    if (account.passwordChangeForced !== undefined && typeof account.passwordChangeForced !== 'boolean') {
      throw refuse(`${field} password_change_forced must be true or false`, field);
    }
    names.add(account.username);
  });
  if (inventory.groups !== undefined) assertNames(inventory.groups, MAX_INVENTORY_GROUPS, 'groups', refuse);
  if (inventory.shells !== undefined) {
    assertNames(inventory.shells, MAX_INVENTORY_SHELLS, 'shells', refuse);
    if (!inventory.shells.every((shell) => shell.startsWith('/') && shell.length <= MAX_SHELL_LENGTH)) {
      throw refuse(`shells must be absolute paths of at most ${MAX_SHELL_LENGTH} characters`, 'shells');
    }
  }
}

/** A list of names from one of the host's files: each one non-empty field of it, none twice. */
function assertNames(
  names: readonly string[],
  max: number,
  field: string,
  refuse: (message: string, field: string) => DomainError,
): void {
  if (!Array.isArray(names) || names.length > max) {
    throw refuse(`${field} must list at most ${max} names`, field);
  }
  if (!names.every((name) => typeof name === 'string' && name.length > 0 && PASSWD_FIELD.test(name))) {
    throw refuse(`${field} must be names without ':' or control characters`, field);
  }
  if (new Set(names).size !== names.length) throw refuse(`${field} must not list a name twice`, field);
}

/**
 * What the host's last inventory says it has, to refuse a change it could not apply before anything
 * is appended. A null list is unknown (no inventory yet, or an agent that does not report it).
 */
export interface HostCatalog {
  readonly groups: readonly string[] | null;
  readonly shells: readonly string[] | null;
}

/** Nothing known about the host: every group and shell is left for its agent to judge. */
export const UNKNOWN_HOST: HostCatalog = { groups: null, shells: null };

/** Order-insensitive, like the accounts: a report that lists the same names differently is no news. */
export function sameNames(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
}

/** Order-insensitive comparison, so a report that only lists the same accounts differently is no news. */
export function sameAccounts(a: readonly InventoryAccount[], b: readonly InventoryAccount[]): boolean {
  return a.length === b.length && canonical(a) === canonical(b);
}

function canonical(accounts: readonly InventoryAccount[]): string {
  return JSON.stringify(
    [...accounts]
      .sort((x, y) => (x.username < y.username ? -1 : x.username > y.username ? 1 : 0))
      .map((account) => [
        account.username,
        account.uid,
        account.gid,
        account.shell,
        account.home,
        [...account.groups].sort(),
        account.passwordChangeForced ?? null,
      ]),
  );
}
