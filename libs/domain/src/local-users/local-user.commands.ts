import type { HostCatalog } from '../hosts/inventory';
import type { EncryptedSecret, HostOutcome } from './host-command';
import type { SshKeyRecord } from './local-user.events';
import type { AccountProtection } from './protected-accounts';

/** Every command names the account it is about: one host, one username, one stream. */
interface AccountCommand<Type extends string> {
  readonly type: Type;
  readonly hostId: string;
  readonly username: string;
}

export interface CreateLocalUser extends AccountCommand<'CreateLocalUser'> {
  readonly shell: string;
  readonly fullName: string;
  readonly groups: readonly string[];
  readonly sudo: boolean;
  /** Hashed and sealed by infra before the command reaches the domain; null: key login only. */
  readonly passwordHash: EncryptedSecret | null;
  readonly forcePasswordChange: boolean;
  /** Already parsed with `parseSshKey`. */
  readonly sshKeys: readonly SshKeyRecord[];
  /** What the host's inventory and the configuration protect, looked up by the handler. */
  readonly protection: AccountProtection;
  /** The configured root-equivalent groups, refused as plain groups. */
  readonly refusedGroups: readonly string[];
  /** The groups and shells the host has, as far as its inventory tells. */
  readonly onHost: HostCatalog;
  /**
   * The admin takes over an account that already exists on the host and that the platform did not
   * create; without it the agent refuses to touch such an account.
   */
  readonly adopt: boolean;
}

export interface DeleteLocalUser extends AccountCommand<'DeleteLocalUser'> {
  readonly removeHome: boolean;
  /** A protected account is refused as such (403), even though the platform never managed it. */
  readonly protection: AccountProtection;
}

export interface SetLocalUserPassword extends AccountCommand<'SetLocalUserPassword'> {
  readonly passwordHash: EncryptedSecret;
  readonly forcePasswordChange: boolean;
}

export interface AddSshKey extends AccountCommand<'AddSshKey'> {
  readonly key: SshKeyRecord;
}

export interface RemoveSshKey extends AccountCommand<'RemoveSshKey'> {
  readonly fingerprint: string;
}

export type GrantSudo = AccountCommand<'GrantSudo'>;
export type RevokeSudo = AccountCommand<'RevokeSudo'>;
export type LockLocalUser = AccountCommand<'LockLocalUser'>;
export type UnlockLocalUser = AccountCommand<'UnlockLocalUser'>;

export interface SetAccountExpiry extends AccountCommand<'SetAccountExpiry'> {
  /** `YYYY-MM-DD`, or null for never. */
  readonly expiresOn: string | null;
}

export interface ChangeShell extends AccountCommand<'ChangeShell'> {
  readonly shell: string;
  readonly onHost: HostCatalog;
}

export interface SetGroups extends AccountCommand<'SetGroups'> {
  readonly groups: readonly string[];
  readonly refusedGroups: readonly string[];
  readonly onHost: HostCatalog;
}

export type ForcePasswordChange = AccountCommand<'ForcePasswordChange'>;

/** The host agent's report on one host command, turned into history. */
export interface RecordHostOutcome extends AccountCommand<'RecordHostOutcome'> {
  readonly outcome: HostOutcome;
}

export type LocalUserCommand =
  | CreateLocalUser
  | DeleteLocalUser
  | SetLocalUserPassword
  | AddSshKey
  | RemoveSshKey
  | GrantSudo
  | RevokeSudo
  | LockLocalUser
  | UnlockLocalUser
  | SetAccountExpiry
  | ChangeShell
  | SetGroups
  | ForcePasswordChange
  | RecordHostOutcome;
