import type { ShadowEntry } from '../shadow/account-files';
import type { ShadowTool } from '../shadow/shadow-utils';

/** One tool run; `secret` is the part of argv that must never reach a log line or an outcome. */
export interface ToolStep {
  tool: ShadowTool;
  args: string[];
  secret?: string;
}

/** The account as the domain wants it, with the password hash already opened. */
export interface AccountTarget {
  shell: string;
  fullName: string;
  /** Supplementary groups, the sudo group included when sudo is granted. */
  groups: string[];
  passwordHash: string | null;
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

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
}

/**
 * The password part of one usermod run: a new hash goes in with its lock mark in one write, so a
 * locked account never has a usable password for a moment; a lock change alone uses -L/-U. An empty
 * field (login without any password) is always replaced.
 */
function passwordOptions(field: string, target: AccountTarget): { args: string[]; secret?: string } {
  const current = usableHash(field);
  if (target.passwordHash === null) {
    return current !== null || field === '' ? { args: ['-p', NO_PASSWORD] } : { args: [] };
  }
  if (current !== target.passwordHash) {
    const value = target.locked ? `${LOCK}${target.passwordHash}` : target.passwordHash;
    return { args: ['-p', value], secret: target.passwordHash };
  }
  const locked = field.startsWith(LOCK);
  if (locked === target.locked) return { args: [] };
  return { args: [target.locked ? '-L' : '-U'] };
}

/** useradd with everything it can set at once; whatever it cannot is left to `planUpdate`. */
export function planCreate(username: string, target: AccountTarget): ToolStep {
  const args = ['-m', '-s', target.shell, '-c', target.fullName];
  if (target.groups.length > 0) args.push('-G', target.groups.join(','));
  if (target.expiresOn !== null) args.push('-e', target.expiresOn);
  if (target.passwordHash === null) return { tool: 'useradd', args: [...args, username] };
  const value = target.locked ? `${LOCK}${target.passwordHash}` : target.passwordHash;
  return { tool: 'useradd', args: [...args, '-p', value, username], secret: target.passwordHash };
}

/**
 * The runs that take an existing account to the target, passing only the options whose value differs:
 * an account already in the target state yields no run at all. A forced change is last, because
 * usermod -p stamps today as the last change; a forced change already in place is never undone.
 */
export function planUpdate(username: string, state: AccountState, target: AccountTarget): ToolStep[] {
  const args: string[] = [];
  if (state.shell !== target.shell) args.push('-s', target.shell);
  if (state.comment !== target.fullName) args.push('-c', target.fullName);
  if (!sameSet(state.groups, target.groups)) args.push('-G', target.groups.join(','));
  if ((state.shadow?.expire ?? null) !== target.expireDay) args.push('-e', target.expiresOn ?? '');
  const password = passwordOptions(state.shadow?.password ?? '', target);
  args.push(...password.args);

  const steps: ToolStep[] = [];
  if (args.length > 0) steps.push({ tool: 'usermod', args: [...args, username], secret: password.secret });
  const stampsToday = password.args.includes('-p');
  if (target.forcePasswordChange && (stampsToday || state.shadow?.lastChange !== 0)) {
    steps.push({ tool: 'chage', args: ['-d', '0', username] });
  }
  return steps;
}
