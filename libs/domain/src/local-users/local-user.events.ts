import type { DomainEvent } from '../shared/decider';
import type { EncryptedSecret, FieldOutcome } from './host-command';

/** A parsed, accepted public key; `addedAt`/`addedBy` come from the event's metadata. */
export interface SshKeyRecord {
  /** `ssh-ed25519`, `ecdsa-sha2-nistp256|384|521` or `ssh-rsa`. */
  type: string;
  bits: number;
  /** `SHA256:…`: the key's identity. */
  fingerprint: string;
  comment: string;
  /** authorized_keys options, e.g. `no-pty,from="10.0.0.0/8"`; empty when none. */
  options: string;
  /** The normalized authorized_keys line: options, type, base64 key, comment. */
  line: string;
}

type UserEvent<
  Type extends string,
  Data extends Record<string, unknown> = Record<never, never>,
> = DomainEvent<Type, { hostId: string; username: string } & Data>;

export type LocalUserCreated = UserEvent<
  'LocalUserCreated',
  {
    shell: string;
    fullName: string;
    groups: string[];
    sudo: boolean;
    passwordHash: EncryptedSecret | null;
    forcePasswordChange: boolean;
    sshKeys: SshKeyRecord[];
    /** Present (true) only when the admin adopted an account that already existed on the host. */
    adopt?: boolean;
  }
>;
export type LocalUserDeleted = UserEvent<'LocalUserDeleted', { removeHome: boolean }>;
export type LocalUserPasswordSet = UserEvent<
  'LocalUserPasswordSet',
  { passwordHash: EncryptedSecret; forcePasswordChange: boolean }
>;
export type LocalUserSshKeyAdded = UserEvent<'LocalUserSshKeyAdded', { key: SshKeyRecord }>;
export type LocalUserSshKeyRemoved = UserEvent<'LocalUserSshKeyRemoved', { fingerprint: string }>;
export type LocalUserSudoGranted = UserEvent<'LocalUserSudoGranted'>;
export type LocalUserSudoRevoked = UserEvent<'LocalUserSudoRevoked'>;
export type LocalUserLocked = UserEvent<'LocalUserLocked'>;
export type LocalUserUnlocked = UserEvent<'LocalUserUnlocked'>;
export type LocalUserExpirySet = UserEvent<'LocalUserExpirySet', { expiresOn: string | null }>;
export type LocalUserShellChanged = UserEvent<'LocalUserShellChanged', { shell: string }>;
export type LocalUserGroupsSet = UserEvent<'LocalUserGroupsSet', { groups: string[] }>;
export type LocalUserPasswordChangeForced = UserEvent<'LocalUserPasswordChangeForced'>;
/** The host agent applied the desired state of `revision` (reported by the agent, appended by us). */
export type HostChangeApplied = UserEvent<'HostChangeApplied', { commandId: string; revision: string }>;
/** Version 1 had no `fields`: the whole command failed with the one tool it names. */
export type HostChangeFailed = UserEvent<
  'HostChangeFailed',
  {
    commandId: string;
    revision: string;
    tool: string;
    exitCode: number | null;
    message: string;
    fields?: FieldOutcome[];
  }
>;

/** Events that change what the account should look like on the host: each becomes a host command. */
export type LocalUserChange =
  | LocalUserCreated
  | LocalUserDeleted
  | LocalUserPasswordSet
  | LocalUserSshKeyAdded
  | LocalUserSshKeyRemoved
  | LocalUserSudoGranted
  | LocalUserSudoRevoked
  | LocalUserLocked
  | LocalUserUnlocked
  | LocalUserExpirySet
  | LocalUserShellChanged
  | LocalUserGroupsSet
  | LocalUserPasswordChangeForced;

export type LocalUserEvent = LocalUserChange | HostChangeApplied | HostChangeFailed;

export const LOCAL_USER_CHANGE_TYPES: readonly LocalUserChange['type'][] = [
  'LocalUserCreated',
  'LocalUserDeleted',
  'LocalUserPasswordSet',
  'LocalUserSshKeyAdded',
  'LocalUserSshKeyRemoved',
  'LocalUserSudoGranted',
  'LocalUserSudoRevoked',
  'LocalUserLocked',
  'LocalUserUnlocked',
  'LocalUserExpirySet',
  'LocalUserShellChanged',
  'LocalUserGroupsSet',
  'LocalUserPasswordChangeForced',
];

export const LOCAL_USER_EVENT_TYPES: readonly LocalUserEvent['type'][] = [
  ...LOCAL_USER_CHANGE_TYPES,
  'HostChangeApplied',
  'HostChangeFailed',
];

export const LOCAL_USER_SCHEMA_VERSIONS: Record<LocalUserEvent['type'], number> = {
  ...(Object.fromEntries(LOCAL_USER_EVENT_TYPES.map((type) => [type, 1])) as Record<
    LocalUserEvent['type'],
    number
  >),
  HostChangeFailed: 2,
};
