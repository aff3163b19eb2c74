import { execFile } from 'node:child_process';
import { lstat, realpath } from 'node:fs/promises';
import { isInside, pathInRoot } from './root-path';

export interface KeyOwner {
  /** The home as passwd lists it (a path of the managed system, not of the agent). */
  home: string;
  uid: number;
  gid: number;
}

const WRITE_TIMEOUT_MS = 10_000;

/**
 * What runs as the account's own uid and gid, in its home, with the new file on stdin (empty: remove
 * the file). Its answer is `changed` or `unchanged` on stdout, or a reason on stderr and a non-zero
 * exit. Only `node:` built-ins are loaded, so nothing the user left in the home is ever executed.
 * The checks for links are for a clear refusal only; what makes the write safe is the uid: any
 * link the user plants leads the writer only where the user could write anyway.
 */
const WRITER = String.raw`'use strict';
const fs = require('node:fs');
const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_RDONLY, O_DIRECTORY } = fs.constants;
const KEYS = '.ssh/authorized_keys';
function entry(path) {
  try {
    return fs.lstatSync(path);
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw error;
  }
}
function refuse(path, stats, expected) {
  const found = stats.isSymbolicLink() ? 'a link' : 'not a ' + expected;
  throw new Error('~/' + path + ' is ' + found + ': refused');
}
function sync(content) {
  let ssh = entry('.ssh');
  if (ssh && !ssh.isDirectory()) refuse('.ssh', ssh, 'directory');
  if (ssh && ssh.uid !== process.getuid()) throw new Error('~/.ssh is not owned by the user: refused');
  const keys = ssh && entry(KEYS);
  if (keys && !keys.isFile()) refuse(KEYS, keys, 'regular file');
  if (content === '') {
    if (!keys) return 'unchanged';
    fs.unlinkSync(KEYS);
    return 'changed';
  }
  if (!ssh) fs.mkdirSync('.ssh', 0o700);
  else if ((ssh.mode & 0o7777) !== 0o700) fs.chmodSync('.ssh', 0o700);
  const same = keys && (keys.mode & 0o7777) === 0o600 && keys.uid === process.getuid();
  if (same && fs.readFileSync(KEYS, 'utf8') === content) return 'unchanged';
  // A fresh file renamed over the old one: sshd sees the old list or the new one, never half of it.
  const temporary = '.ssh/.authorized_keys.' + process.pid + '.tmp';
  const file = fs.openSync(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  try {
    fs.fchmodSync(file, 0o600);
    fs.writeSync(file, content);
    fs.fsyncSync(file);
  } catch (error) {
    fs.closeSync(file);
    fs.unlinkSync(temporary);
    throw error;
  } 
  fs.closeSync(file);
  fs.renameSync(temporary, KEYS);
  const directory = fs.openSync('.ssh', O_RDONLY | O_DIRECTORY);
  fs.fsyncSync(directory);
  fs.closeSync(directory);
  return 'changed';
}
try {
  process.stdout.write(sync(fs.readFileSync(0, 'utf8')));
} catch (error) {
  process.stderr.write(String(error && error.message));
  process.exitCode = 1;
}
`;

/**
 * The home under the root, resolved through any links and checked to stay inside the root; the
 * directories above it belong to root, so the user cannot move it afterwards.
 */
async function resolvedHome(root: string, owner: KeyOwner): Promise<string | null> {
  const home = pathInRoot(root, owner.home);
  try {
    await lstat(home);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const [realRoot, realHome] = await Promise.all([realpath(root), realpath(home)]);
  if (!isInside(realRoot, realHome)) throw new Error(`home ${owner.home} resolves outside the root`);
  return realHome;
}

/**
 * Runs the writer as the owner. The process starts in the home while still root (so a sandbox below
 * a root-only folder works), then drops to the owner's uid and gid, and libuv clears the
 * supplementary groups: from there on the kernel checks every path as it would for the user.
 */
function writeAsOwner(home: string, owner: KeyOwner, content: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['-e', WRITER],
      {
        cwd: home,
        uid: owner.uid,
        gid: owner.gid,
        env: {},
        timeout: WRITE_TIMEOUT_MS,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout === 'changed');
        const reason =
          stderr.trim() || (error.killed ? `timed out after ${WRITE_TIMEOUT_MS} ms` : error.code);
        reject(new Error(`writing as uid ${owner.uid} failed: ${String(reason)}`));
      },
    );
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(content);
  });
}

/**
 * Makes `<home>/.ssh/authorized_keys` hold exactly `lines`; no lines removes the file. Returns
 * whether anything had to change, so a re-applied command can be seen to have touched nothing.
 *
 * The agent runs as root, and the user owns the home: any path root checked could be a link by the
 * time root used it. So root never touches anything in the home; a child running as the user does.
 * An agent that is not root cannot take another uid and refuses, rather than write as itself.
 */
export async function syncAuthorizedKeys(
  root: string,
  owner: KeyOwner,
  lines: readonly string[],
): Promise<boolean> {
  const home = await resolvedHome(root, owner);
  if (!home) {
    if (lines.length === 0) return false;
    throw new Error(`home ${owner.home} does not exist`);
  }
  const agentUid = process.getuid?.();
  if (agentUid !== 0 && agentUid !== owner.uid) {
    throw new Error(
      `the agent runs as uid ${String(agentUid)}, not root: it cannot write as uid ${owner.uid}`,
    );
  }
  return writeAsOwner(home, owner, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
}
