import type { HostField } from '@ops/domain/local-users/host-command';
import type { ShadowEntry } from '../shadow/account-files';
import type { ShadowTool } from '../shadow/shadow-utils';

/**
 * One tool run. `input` is the tool's stdin, where a password hash travels (never argv, which every
 * local user can read); `secret` is what must never reach a log line or an outcome if a tool echoes it.
 */
export interface ToolStep {
  tool: ShadowTool;
  args: string[];
  input?: string;
  secret?: string;
}

/** A run that converges one field of the account: the unit of what applied and what failed. */
export interface FieldStep extends ToolStep {
  field: HostField;
}

/** The account as the domain wants it, with the password hash already opened. */
export interface AccountTarget {
  shell: string;
  fullName: string;
  /** Supplementary groups, the sudo group not included (see `sudo`). */
  groups: string[];
  /** Membership of `sudoGroup` is what `sudo` means. */
  sudo: boolean;
  sudoGroup: string;
  /** null: no password (login by key); undefined: the desired one could not be opened, the host's stays. */
  passwordHash: string | null | undefined;
  locked: boolean;
  /** Days since 1970-01-01, as shadow's expire field counts them, or null for never. */
  expireDay: number | null;
  expiresOn: string | null;
  forcePasswordChange: boolean;
}

/** The account as the root's files describe it. */
export interface AccountState {
  shell: string;
  comment: string;
  groups: string[];
  shadow: ShadowEntry | undefined;
}

/**
 * Runs that take privileges away come first and runs that give them after, each on its own, so a
 * revocation reaches the host even when something granted in the same command cannot (a group the
 * host lacks). The keys file, which both removes and adds keys, is written between the two.
 */
export interface AccountPlan {
  revocations: FieldStep[];
  grants: FieldStep[];
}

const LOCK = '!';
/** What useradd writes for an account without a password; it can never match a password. */
const NO_PASSWORD = '!';

/** `YYYY-MM-DD` as shadow's day count (UTC). */
export function dayOf(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 86_400_000;
}

/** The hash behind any lock marks, or null when the field holds none (`!`, `*`, empty). */
function usableHash(field: string): string | null {
  const hash = field.replace(/^!+/, '');
  return hash === '' || hash.startsWith('*') ? null : hash;
}

/** `chpasswd -e` reads `user:hash` lines on stdin: the hash never appears in any process's argv. */
function setPassword(username: string, hash: string, locked: boolean): FieldStep {
  const value = locked ? `${LOCK}${hash}` : hash;
  return { field: 'password', tool: 'chpasswd', args: ['-e'], input: `${username}:${value}\n`, secret: hash };
}

function usermod(field: HostField, username: string, ...args: string[]): FieldStep {
  return { field, tool: 'usermod', args: [...args, username] };
}

/**
 * The smallest useradd: nothing in it can name something the host lacks (groups come after, one field
 * at a time), so creating never fails for a reason that would then block every later command. The
 * expiry goes in at once, so the account never exists without it; useradd's `!` password field keeps
 * it without a usable password until the password step.
 */
export function planCreate(username: string, target: AccountTarget): ToolStep {
  const args = ['-m', '-s', target.shell, '-c', target.fullName];
  if (target.expiresOn !== null) args.push('-e', target.expiresOn);
  return { tool: 'useradd', args: [...args, username] };
}

/** A later expiry than the host's, or none where it has one, gives time back: a grant. */
function extendsExpiry(current: number | null, target: number | null): boolean {
  return target === null || (current !== null && target > current);
}

/**
 * The runs that take an existing account to the target, each passing only what differs: an account
 * already in the target state yields no run at all. Groups are dropped with `-G` and the memberships
 * kept, which all exist since the host lists the user in them, so dropping cannot fail on a group the
 * host lacks; they are added with `-a -G`. A forced change is last, because setting a password stamps
 * today as the last change; a forced change already in place is never undone.
 */
export function planUpdate(username: string, state: AccountState, target: AccountTarget): AccountPlan {
  const revocations: FieldStep[] = [];
  const grants: FieldStep[] = [];
  const field = state.shadow?.password ?? '';
  const current = usableHash(field);
  const locked = field.startsWith(LOCK);

  // An empty field (login without any password) is closed first, whatever replaces it after.
  const removesPassword = field === '' || (target.passwordHash === null && current !== null);
  if (removesPassword) revocations.push(usermod('password', username, '-p', NO_PASSWORD));
  else if (target.locked && !locked) revocations.push(usermod('locked', username, '-L'));

  const expire = state.shadow?.expire ?? null;
  if (expire !== target.expireDay) {
    const step = usermod('expiry', username, '-e', target.expiresOn ?? '');
    (extendsExpiry(expire, target.expireDay) ? grants : revocations).push(step);
  }

  const wanted = (group: string): boolean =>
    group === target.sudoGroup ? target.sudo : target.groups.includes(group);
  if (!target.sudo && state.groups.includes(target.sudoGroup)) {
    const others = state.groups.filter((group) => group !== target.sudoGroup);
    revocations.push(usermod('sudo', username, '-G', others.join(',')));
  }
  const kept = state.groups.filter(wanted);
  if (state.groups.some((group) => group !== target.sudoGroup && !wanted(group))) {
    revocations.push(usermod('groups', username, '-G', kept.join(',')));
  }

  if (state.shell !== target.shell) grants.push(usermod('shell', username, '-s', target.shell));
  if (state.comment !== target.fullName) grants.push(usermod('full_name', username, '-c', target.fullName));
  const missing = target.groups.filter(
    (group) => group !== target.sudoGroup && !state.groups.includes(group),
  );
  if (missing.length > 0) grants.push(usermod('groups', username, '-a', '-G', missing.join(',')));
  if (target.sudo && !state.groups.includes(target.sudoGroup)) {
    grants.push(usermod('sudo', username, '-a', '-G', target.sudoGroup));
  }

  // A new hash goes in with its lock mark in one write, so a locked account never has a usable
  // password for a moment.
  const hash = target.passwordHash;
  const newHash = typeof hash === 'string' && current !== hash;
  if (newHash) grants.push(setPassword(username, hash, target.locked));
  else if (!target.locked && locked && target.passwordHash !== null && current !== null) {
    grants.push(usermod('locked', username, '-U'));
  }

  const stampsToday = newHash || removesPassword;
  if (target.forcePasswordChange && (stampsToday || state.shadow?.lastChange !== 0)) {
    grants.push({ field: 'force_password_change', tool: 'chage', args: ['-d', '0', username] });
  }
  return { revocations, grants };
}
