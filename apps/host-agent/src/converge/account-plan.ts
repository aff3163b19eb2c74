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
 * What the password field must become: a new hash goes in with its lock mark in one write (a
 * `chpasswd -e` run), so a locked account never has a usable password for a moment; a lock change
 * alone uses usermod -L/-U. An empty field (login without any password) is always replaced.
 */
function passwordChange(field: string, target: AccountTarget): { args: string[]; hash?: string } {
  const current = usableHash(field);
  if (target.passwordHash === null) {
    return current !== null || field === '' ? { args: ['-p', NO_PASSWORD] } : { args: [] };
  }
  if (current !== target.passwordHash) return { args: [], hash: target.passwordHash };
  const locked = field.startsWith(LOCK);
  if (locked === target.locked) return { args: [] };
  return { args: [target.locked ? '-L' : '-U'] };
}

/** `chpasswd -e` reads `user:hash` lines on stdin: the hash never appears in any process's argv. */
function setPassword(username: string, hash: string, locked: boolean): ToolStep {
  const value = locked ? `${LOCK}${hash}` : hash;
  return { tool: 'chpasswd', args: ['-e'], input: `${username}:${value}\n`, secret: hash };
}

/**
 * useradd with everything it can set at once but the password, then the password through stdin;
 * until then useradd's `!` keeps the account without a usable password.
 */
export function planCreate(username: string, target: AccountTarget): ToolStep[] {
  const args = ['-m', '-s', target.shell, '-c', target.fullName];
  if (target.groups.length > 0) args.push('-G', target.groups.join(','));
  if (target.expiresOn !== null) args.push('-e', target.expiresOn);
  const create: ToolStep = { tool: 'useradd', args: [...args, username] };
  if (target.passwordHash === null) return [create];
  return [create, setPassword(username, target.passwordHash, target.locked)];
}

/**
 * The runs that take an existing account to the target, passing only the options whose value differs:
 * an account already in the target state yields no run at all. A forced change is last, because
 * setting a password stamps today as the last change; a forced change already in place is never undone.
 */
export function planUpdate(username: string, state: AccountState, target: AccountTarget): ToolStep[] {
  const args: string[] = [];
  if (state.shell !== target.shell) args.push('-s', target.shell);
  if (state.comment !== target.fullName) args.push('-c', target.fullName);
  if (!sameSet(state.groups, target.groups)) args.push('-G', target.groups.join(','));
  if ((state.shadow?.expire ?? null) !== target.expireDay) args.push('-e', target.expiresOn ?? '');
  const password = passwordChange(state.shadow?.password ?? '', target);
  args.push(...password.args);

  const steps: ToolStep[] = [];
  if (args.length > 0) steps.push({ tool: 'usermod', args: [...args, username] });
  if (password.hash !== undefined) steps.push(setPassword(username, password.hash, target.locked));
  const stampsToday = password.hash !== undefined || password.args.includes('-p');
  if (target.forcePasswordChange && (stampsToday || state.shadow?.lastChange !== 0)) {
    steps.push({ tool: 'chage', args: ['-d', '0', username] });
  }
  return steps;
}
