import type { HostInventory, InventoryAccount } from '@ops/domain/local-users/host-command';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  parseGroup,
  parsePasswd,
  parseShadow,
  type GroupEntry,
  type PasswdEntry,
  type ShadowEntry,
} from './account-files';

/** What a root's /etc files say about its accounts, read at one moment. */
export interface AccountFiles {
  passwd: PasswdEntry[];
  shadow: ShadowEntry[];
  group: GroupEntry[];
}

function readEtc(root: string, name: string): Promise<string> {
  return readFile(join(root, 'etc', name), 'utf8');
}

export async function readAccountFiles(root: string): Promise<AccountFiles> {
  const [passwd, shadow, group] = await Promise.all(
    ['passwd', 'shadow', 'group'].map((name) => readEtc(root, name)),
  );
  return { passwd: parsePasswd(passwd), shadow: parseShadow(shadow), group: parseGroup(group) };
}

/** The supplementary groups that list the user as a member, in file order (the primary group is not listed). */
export function supplementaryGroups(group: readonly GroupEntry[], username: string): string[] {
  return group.filter((entry) => entry.members.includes(username)).map((entry) => entry.name);
}

function toAccounts(files: AccountFiles): InventoryAccount[] {
  const forced = new Set(
    files.shadow.filter((entry) => entry.lastChange === 0).map((entry) => entry.username),
  );
  return files.passwd.map((entry) => ({
    username: entry.username,
    uid: entry.uid,
    gid: entry.gid,
    shell: entry.shell,
    home: entry.home,
    groups: supplementaryGroups(files.group, entry.username),
    passwordChangeForced: forced.has(entry.username),
  }));
}

/** The shells /etc/shells lists, or undefined when the root has none (then nobody can tell). */
async function readShells(root: string): Promise<string[] | undefined> {
  let text: string;
  try {
    text = await readEtc(root, 'shells');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const shells = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
  return [...new Set(shells)];
}

/**
 * What the host inventory reports: every account in the root's passwd with its supplementary groups
 * and whether it must change its password, the groups the host has and the login shells it lists,
 * so the control plane can refuse what the host could not apply before it answers.
 */
export async function readInventory(root: string): Promise<Omit<HostInventory, 'hostId' | 'takenAt'>> {
  const [files, shells] = await Promise.all([readAccountFiles(root), readShells(root)]);
  return {
    accounts: toAccounts(files),
    groups: files.group.map((entry) => entry.name),
    ...(shells ? { shells } : {}),
  };
}
