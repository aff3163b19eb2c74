import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, readFile, realpath, rename, rm, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isInside, pathInRoot } from './root-path';

export interface KeyOwner {
  /** The home as passwd lists it (a path of the managed system, not of the agent). */
  home: string;
  uid: number;
  gid: number;
}

const DIRECTORY_MODE = 0o700;
const FILE_MODE = 0o600;

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function ownedAs(stats: Stats, owner: KeyOwner, mode: number): boolean {
  return (stats.mode & 0o7777) === mode && stats.uid === owner.uid && stats.gid === owner.gid;
}

/**
 * The home under the root, resolved through any links: the user owns it and everything in it, so a
 * link planted there must not lead the agent (running as root) to write outside the root.
 */
async function resolvedHome(root: string, owner: KeyOwner): Promise<string | null> {
  const home = pathInRoot(root, owner.home);
  if (!(await statOrNull(home))) return null;
  const [realRoot, realHome] = await Promise.all([realpath(root), realpath(home)]);
  if (!isInside(realRoot, realHome)) throw new Error(`home ${owner.home} resolves outside the root`);
  return realHome;
}

/** `.ssh` as a real directory with mode 700 owned by the user; a link in its place is refused. */
async function sshDirectory(home: string, owner: KeyOwner): Promise<string> {
  const path = join(home, '.ssh');
  let stats = await statOrNull(path);
  if (!stats) {
    await mkdir(path, { mode: DIRECTORY_MODE });
    stats = await lstat(path);
  }
  if (!stats.isDirectory()) throw new Error(`${path} is not a directory`);
  if (!ownedAs(stats, owner, DIRECTORY_MODE)) {
    const handle = await open(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    try {
      await handle.chown(owner.uid, owner.gid);
      await handle.chmod(DIRECTORY_MODE);
    } finally {
      await handle.close();
    }
  }
  return path;
}

async function alreadyWritten(path: string, content: string, owner: KeyOwner): Promise<boolean> {
  const stats = await statOrNull(path);
  if (!stats?.isFile() || !ownedAs(stats, owner, FILE_MODE)) return false;
  return (await readFile(path, 'utf8')) === content;
}

/**
 * A fresh file (O_EXCL: never a link someone left there) in the same directory, owned and moded
 * through its descriptor, synced, then renamed over the old one: sshd sees the old list or the new
 * one, never half of it.
 */
async function replaceAtomically(path: string, content: string, owner: KeyOwner): Promise<void> {
  const directory = dirname(path);
  const temporary = join(directory, `.authorized_keys.${randomBytes(6).toString('hex')}.tmp`);
  await assertRealDirectory(directory);
  const handle = await open(temporary, 'wx', FILE_MODE);
  try {
    await handle.chown(owner.uid, owner.gid);
    await handle.chmod(FILE_MODE);
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  // The user owns the home and may swap `.ssh` for a link meanwhile: look again right before the rename.
  await assertRealDirectory(directory).catch(async (error: unknown) => {
    await rm(temporary, { force: true });
    throw error;
  });
  await rename(temporary, path);
  const synced = await open(directory, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    await synced.sync();
  } finally {
    await synced.close();
  }
}

/**
 * `directory` must be itself, not reached through a link: its real path is its path. The agent runs
 * as root, so a link in a user's home would otherwise let it write or delete anywhere.
 */
async function assertRealDirectory(directory: string): Promise<void> {
  const stats = await lstat(directory);
  if (!stats.isDirectory() || (await realpath(directory)) !== directory) {
    throw new Error(`${directory} is not a real directory (a link?): refused`);
  }
}

/**
 * Makes `<home>/.ssh/authorized_keys` hold exactly `lines`; no lines removes the file. Returns
 * whether anything had to change, so a re-applied command can be seen to have touched nothing.
 */
export async function syncAuthorizedKeys(
  root: string,
  owner: KeyOwner,
  lines: readonly string[],
): Promise<boolean> {
  const home = await resolvedHome(root, owner);
  if (lines.length === 0) {
    const ssh = home && join(home, '.ssh');
    if (!ssh || !(await statOrNull(ssh))) return false;
    await assertRealDirectory(ssh);
    const path = join(ssh, 'authorized_keys');
    if (!(await statOrNull(path))) return false;
    // unlink removes a link itself, never what it points to.
    await unlink(path);
    return true;
  }
  if (!home) throw new Error(`home ${owner.home} does not exist`);
  const content = `${lines.join('\n')}\n`;
  const ssh = await sshDirectory(home, owner);
  const path = join(ssh, 'authorized_keys');
  if (await alreadyWritten(path, content, owner)) return false;
  await replaceAtomically(path, content, owner);
  return true;
}
