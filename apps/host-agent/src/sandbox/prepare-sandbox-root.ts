import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export interface SandboxOptions {
  /** The group whose members may sudo; created with the system groups when it is not one of them. */
  sudoGroup: string;
  /** Only for the shadow file's last-change day of the system accounts. */
  now?: Date;
}

interface SystemAccount {
  name: string;
  id: number;
  home: string;
  shell: string;
}

/** What a minimal Debian has before anyone is added; the uids stay below login.defs' UID_MIN. */
const ACCOUNTS: readonly SystemAccount[] = [
  { name: 'root', id: 0, home: '/root', shell: '/bin/bash' },
  { name: 'daemon', id: 1, home: '/usr/sbin', shell: '/usr/sbin/nologin' },
  { name: 'bin', id: 2, home: '/bin', shell: '/usr/sbin/nologin' },
  { name: 'sys', id: 3, home: '/dev', shell: '/usr/sbin/nologin' },
  { name: 'nobody', id: 65534, home: '/nonexistent', shell: '/usr/sbin/nologin' },
];

const GROUPS: readonly { name: string; gid: number }[] = [
  { name: 'root', gid: 0 },
  { name: 'daemon', gid: 1 },
  { name: 'bin', gid: 2 },
  { name: 'sys', gid: 3 },
  { name: 'adm', gid: 4 },
  { name: 'tty', gid: 5 },
  { name: 'disk', gid: 6 },
  { name: 'sudo', gid: 27 },
  { name: 'users', gid: 100 },
  { name: 'nogroup', gid: 65534 },
];

/** A gid for the sudo group when it is not Debian's `sudo` (`wheel` is 10 on RHEL). */
const EXTRA_SUDO_GID = 10;

/**
 * Our own login.defs rather than the host's: useradd behaves the same on every machine (a private
 * group per user, uids from 1000, homes 0750), whatever the host that runs the agent has configured.
 */
const LOGIN_DEFS = `MAIL_DIR /var/mail
NONEXISTENT /nonexistent
PASS_MAX_DAYS 99999
PASS_MIN_DAYS 0
PASS_WARN_AGE 7
UID_MIN 1000
UID_MAX 60000
SYS_UID_MIN 100
SYS_UID_MAX 999
GID_MIN 1000
GID_MAX 60000
SYS_GID_MIN 100
SYS_GID_MAX 999
UMASK 022
HOME_MODE 0750
USERGROUPS_ENAB yes
ENCRYPT_METHOD SHA512
`;

/**
 * The login shells a Debian lists. The inventory reports them, and the control plane refuses a shell
 * the host does not list before it answers.
 */
const SHELLS = ['/bin/sh', '/usr/bin/sh', '/bin/bash', '/usr/bin/bash', '/bin/dash', '/usr/bin/dash'];

/** With `--prefix`, useradd reads SKEL below the prefix, so new homes are filled from the sandbox, not the host. */
const USERADD_DEFAULTS = 'SHELL=/bin/sh\nSKEL=/etc/skel\n';

function lines(rows: readonly string[]): string {
  return `${rows.join('\n')}\n`;
}

function groupsOf(sudoGroup: string): { name: string; gid: number }[] {
  return GROUPS.some((group) => group.name === sudoGroup)
    ? [...GROUPS]
    : [...GROUPS, { name: sudoGroup, gid: EXTRA_SUDO_GID }];
}

/** Writes a file only when it is not there: an existing root's accounts are never replaced. */
async function create(path: string, content: string, mode: number): Promise<boolean> {
  try {
    await writeFile(path, content, { flag: 'wx', mode });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  await chmod(path, mode);
  return true;
}

/**
 * Prepares a root for shadow-utils' `--prefix`: etc/passwd, shadow, group, gshadow with root and a few
 * system accounts, login.defs, useradd defaults, shells, an empty skel, home/, and the system accounts' home
 * directories. Files that exist are left as they are, so this is safe to call on every start. Returns
 * the files it created.
 */
export async function prepareSandboxRoot(root: string, options: SandboxOptions): Promise<string[]> {
  const absolute = resolve(root);
  if (absolute === '/') throw new Error('refusing to prepare / as a sandbox: it is the real system');
  const today = Math.floor((options.now ?? new Date()).getTime() / 86_400_000);
  const groups = groupsOf(options.sudoGroup);

  for (const directory of ['etc/default', 'etc/skel', 'home', 'var/mail']) {
    await mkdir(join(absolute, directory), { recursive: true, mode: 0o755 });
  }
  for (const account of ACCOUNTS.filter((candidate) => candidate.home !== '/nonexistent')) {
    await mkdir(join(absolute, account.home), { recursive: true, mode: account.id === 0 ? 0o700 : 0o755 });
  }

  const files: [string, string, number][] = [
    [
      'etc/passwd',
      lines(ACCOUNTS.map((a) => `${a.name}:x:${a.id}:${a.id}:${a.name}:${a.home}:${a.shell}`)),
      0o644,
    ],
    ['etc/shadow', lines(ACCOUNTS.map((a) => `${a.name}:*:${today}:0:99999:7:::`)), 0o640],
    ['etc/group', lines(groups.map((g) => `${g.name}:x:${g.gid}:`)), 0o644],
    ['etc/gshadow', lines(groups.map((g) => `${g.name}:*::`)), 0o640],
    ['etc/login.defs', LOGIN_DEFS, 0o644],
    ['etc/default/useradd', USERADD_DEFAULTS, 0o644],
    ['etc/shells', lines(SHELLS), 0o644],
  ];
  const created: string[] = [];
  for (const [name, content, mode] of files) {
    if (await create(join(absolute, name), content, mode)) created.push(name);
  }
  return created;
}
