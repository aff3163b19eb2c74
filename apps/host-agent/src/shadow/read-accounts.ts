import type { InventoryAccount } from '@ops/domain/local-users/host-command';
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

export function toInventory(files: Pick<AccountFiles, 'passwd' | 'group'>): InventoryAccount[] {
  return files.passwd.map((entry) => ({
    username: entry.username,
    uid: entry.uid,
    gid: entry.gid,
    shell: entry.shell,
    home: entry.home,
    groups: supplementaryGroups(files.group, entry.username),
  }));
}

/** Every account in the root's passwd, with its supplementary groups, for the host inventory. */
export async function readAccounts(root: string): Promise<InventoryAccount[]> {
  const [passwd, group] = await Promise.all([readEtc(root, 'passwd'), readEtc(root, 'group')]);
  return toInventory({ passwd: parsePasswd(passwd), group: parseGroup(group) });
}
