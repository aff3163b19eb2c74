import type { Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import { assertValidHostId } from '../hosts/host-id';
import {
  assertGroupsOnHost,
  assertShellOnHost,
  assertValidExpiryDate,
  assertValidFullName,
  assertValidGroups,
  assertValidShell,
} from './account-fields';
import {
  HOST_FIELDS,
  type DesiredLocalUser,
  type EncryptedSecret,
  type FieldOutcome,
  type HostOutcome,
} from './host-command';
import type { AddSshKey, CreateLocalUser, LocalUserCommand, RecordHostOutcome } from './local-user.commands';
import type { LocalUserEvent, SshKeyRecord } from './local-user.events';
import { LOCAL_USER_CHANGE_TYPES } from './local-user.events';
import { assertNotProtected } from './protected-accounts';
import { parseSshKey } from './ssh-key';
import { assertValidUsername } from './username';

/** More keys than this on one account is a mistake, and every one is a way in. */
export const MAX_SSH_KEYS = 32;

export interface LocalUserState {
  /** Created and not deleted since. */
  readonly exists: boolean;
  readonly deleted: boolean;
  readonly removeHome: boolean;
  readonly hostId: string;
  readonly username: string;
  readonly shell: string;
  readonly fullName: string;
  readonly groups: readonly string[];
  readonly sudo: boolean;
  readonly passwordHash: EncryptedSecret | null;
  readonly locked: boolean;
  readonly expiresOn: string | null;
  readonly forcePasswordChange: boolean;
  /** In the order they were added; the fingerprint is each key's identity. */
  readonly sshKeys: readonly SshKeyRecord[];
  /** Created by adopting an account that already existed on the host. */
  readonly adopt: boolean;
  /** Change events in the whole stream, across delete and re-create (infra maps them to revisions). */
  readonly changeCount: number;
  /** Every event folded so far: the revision the next event will get. */
  readonly eventCount: number;
  /**
   * Revision of the event that asked for a password change at next login, until the host reports it
   * applied; from then on the host holds it, and later desired states must not force it again.
   */
  readonly forceRequestedAt: number | null;
  readonly lastOutcome: HostOutcome | null;
}

const initialState: LocalUserState = {
  exists: false,
  deleted: false,
  removeHome: false,
  hostId: '',
  username: '',
  shell: '',
  fullName: '',
  groups: [],
  sudo: false,
  passwordHash: null,
  locked: false,
  expiresOn: null,
  forcePasswordChange: false,
  sshKeys: [],
  adopt: false,
  changeCount: 0,
  eventCount: 0,
  forceRequestedAt: null,
  lastOutcome: null,
};

/**
 * Records come from the API's own `parseSshKey`; parsing the line again costs little and makes sure
 * that no hand-built record (wrong fingerprint, weak key) is ever written to authorized_keys.
 */
function assertParsedKey(key: SshKeyRecord, field: string): void {
  const reparsed = parseSshKey(key.line, field);
  const same = (Object.keys(reparsed) as (keyof SshKeyRecord)[]).every(
    (name) => reparsed[name] === key[name],
  );
  if (!same) throw new DomainError('invalid', `${field} does not match its parsed key line`, field);
}

function decideCreate(command: CreateLocalUser, state: LocalUserState): LocalUserEvent[] {
  if (state.exists) {
    throw new DomainError(
      'conflict',
      `user ${command.username} already exists on ${command.hostId}`,
      'username',
    );
  }
  assertNotProtected(command.username, command.protection);
  assertValidShell(command.shell);
  assertShellOnHost(command.shell, command.onHost.shells);
  assertValidFullName(command.fullName);
  assertValidGroups(command.groups, command.refusedGroups);
  assertGroupsOnHost(command.groups, command.onHost.groups);
  if (command.forcePasswordChange && command.passwordHash === null) {
    // An expired password that was never set cannot be changed: the user could not log in at all.
    throw new DomainError(
      'invalid',
      'force_password_change needs a password to change',
      'force_password_change',
    );
  }
  if (command.sshKeys.length > MAX_SSH_KEYS) {
    throw new DomainError('invalid', `ssh_keys must list at most ${MAX_SSH_KEYS} keys`, 'ssh_keys');
  }
  command.sshKeys.forEach((key, index) => assertParsedKey(key, `ssh_keys.${index}`));
  if (new Set(command.sshKeys.map((key) => key.fingerprint)).size !== command.sshKeys.length) {
    throw new DomainError('invalid', 'ssh_keys must not list the same key twice', 'ssh_keys');
  }
  return [
    {
      type: 'LocalUserCreated',
      data: {
        hostId: command.hostId,
        username: command.username,
        shell: command.shell,
        fullName: command.fullName,
        groups: [...command.groups],
        sudo: command.sudo,
        passwordHash: command.passwordHash,
        forcePasswordChange: command.forcePasswordChange,
        sshKeys: [...command.sshKeys],
        // Absent rather than false, so events of accounts the platform created keep their shape.
        ...(command.adopt ? { adopt: true } : {}),
      },
    },
  ];
}

function decideAddKey(command: AddSshKey, state: LocalUserState): LocalUserEvent[] {
  assertParsedKey(command.key, 'ssh_key');
  if (state.sshKeys.some((key) => key.fingerprint === command.key.fingerprint)) {
    throw new DomainError('conflict', `the key ${command.key.fingerprint} is already present`, 'ssh_key');
  }
  if (state.sshKeys.length >= MAX_SSH_KEYS) {
    throw new DomainError('conflict', `the account already has ${MAX_SSH_KEYS} keys`, 'ssh_key');
  }
  return [
    {
      type: 'LocalUserSshKeyAdded',
      data: { hostId: command.hostId, username: command.username, key: command.key },
    },
  ];
}

function decideOutcome(command: RecordHostOutcome, state: LocalUserState): LocalUserEvent[] {
  const { outcome } = command;
  if (outcome.hostId !== command.hostId || outcome.username !== command.username) {
    throw new DomainError('invalid', 'the outcome belongs to another account', 'outcome');
  }
  // Revisions become bigints when the stream is folded: a malformed one would poison it for good.
  if (
    !/^\d{1,19}$/.test(outcome.revision) ||
    typeof outcome.commandId !== 'string' ||
    outcome.commandId === ''
  ) {
    throw new DomainError('invalid', 'the outcome names no valid revision or command', 'outcome');
  }
  // Only a command this stream produced can have an outcome: a revision beyond it is made up.
  if (BigInt(outcome.revision) >= BigInt(state.eventCount)) {
    throw new DomainError('invalid', 'the outcome names a revision the account has not reached', 'outcome');
  }
  const account = { hostId: command.hostId, username: command.username };
  if (outcome.status === 'applied') {
    return [
      {
        type: 'HostChangeApplied',
        data: { ...account, commandId: outcome.commandId, revision: outcome.revision },
      },
    ];
  }
  const fields = outcome.fields === undefined ? undefined : fieldOutcomes(outcome.fields);
  return [
    {
      type: 'HostChangeFailed',
      data: {
        ...account,
        commandId: outcome.commandId,
        revision: outcome.revision,
        tool: outcome.tool,
        exitCode: outcome.exitCode,
        message: outcome.message,
        ...(fields ? { fields } : {}),
      },
    },
  ];
}

/** Bounds what one failure may say: an agent reports a tool's stderr trimmed to 1000 characters. */
const MAX_OUTCOME_MESSAGE_LENGTH = 2000;

/**
 * The per-field report, checked field by field and rebuilt from what was checked: it becomes an event
 * for good, so nothing but the known fields of the known shape goes in.
 */
function fieldOutcomes(fields: unknown): FieldOutcome[] {
  const refuse = (): never => {
    throw new DomainError('invalid', 'the outcome lists its fields in an unknown shape', 'outcome');
  };
  if (!Array.isArray(fields) || fields.length > HOST_FIELDS.length) return refuse();
  const checked = fields.map((item: unknown): FieldOutcome => {
    if (typeof item !== 'object' || item === null) return refuse();
    const { field, status, tool, exitCode, message } = item as Record<string, unknown>;
    const known = HOST_FIELDS.find((name) => name === field);
    if (known === undefined) return refuse();
    if (status === 'applied') return { field: known, status };
    const validExit =
      exitCode === null || (Number.isInteger(exitCode) && Math.abs(Number(exitCode)) < 2 ** 31);
    const texts = [tool, message].every(
      (text) => typeof text === 'string' && text.length <= MAX_OUTCOME_MESSAGE_LENGTH,
    );
    if (status !== 'failed' || !validExit || !texts) return refuse();
    return {
      field: known,
      status,
      tool: tool as string,
      exitCode: exitCode as number | null,
      message: message as string,
    };
  });
  if (new Set(checked.map((item) => item.field)).size !== checked.length) refuse();
  return checked;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return a.length === b.length && b.every((item) => set.has(item));
}

/** Commands on an existing account; each returns [] when the account already looks as asked. */
function decideChange(
  command: Exclude<LocalUserCommand, CreateLocalUser | RecordHostOutcome>,
  state: LocalUserState,
): LocalUserEvent[] {
  // A protected account was never created here, but "not found" would hide why it cannot be deleted.
  if (command.type === 'DeleteLocalUser') assertNotProtected(command.username, command.protection);
  if (!state.exists) {
    throw new DomainError(
      'not_found',
      `user ${command.username} does not exist on ${command.hostId}`,
      'username',
    );
  }
  const account = { hostId: command.hostId, username: command.username };
  switch (command.type) {
    case 'DeleteLocalUser':
      return [{ type: 'LocalUserDeleted', data: { ...account, removeHome: command.removeHome } }];
    case 'SetLocalUserPassword':
      return [
        {
          type: 'LocalUserPasswordSet',
          data: {
            ...account,
            passwordHash: command.passwordHash,
            forcePasswordChange: command.forcePasswordChange,
          },
        },
      ];
    case 'AddSshKey':
      return decideAddKey(command, state);
    case 'RemoveSshKey':
      if (!state.sshKeys.some((key) => key.fingerprint === command.fingerprint)) {
        throw new DomainError('not_found', `the key ${command.fingerprint} is not present`, 'fingerprint');
      }
      return [{ type: 'LocalUserSshKeyRemoved', data: { ...account, fingerprint: command.fingerprint } }];
    case 'GrantSudo':
      return state.sudo ? [] : [{ type: 'LocalUserSudoGranted', data: account }];
    case 'RevokeSudo':
      return state.sudo ? [{ type: 'LocalUserSudoRevoked', data: account }] : [];
    case 'LockLocalUser':
      return state.locked ? [] : [{ type: 'LocalUserLocked', data: account }];
    case 'UnlockLocalUser':
      return state.locked ? [{ type: 'LocalUserUnlocked', data: account }] : [];
    case 'SetAccountExpiry':
      if (command.expiresOn !== null) assertValidExpiryDate(command.expiresOn);
      if (command.expiresOn === state.expiresOn) return [];
      return [{ type: 'LocalUserExpirySet', data: { ...account, expiresOn: command.expiresOn } }];
    case 'ChangeShell':
      assertValidShell(command.shell);
      if (command.shell !== state.shell) assertShellOnHost(command.shell, command.onHost.shells);
      if (command.shell === state.shell) return [];
      return [{ type: 'LocalUserShellChanged', data: { ...account, shell: command.shell } }];
    case 'SetGroups':
      assertValidGroups(command.groups, command.refusedGroups);
      assertGroupsOnHost(command.groups, command.onHost.groups);
      if (sameSet(command.groups, state.groups)) return [];
      return [{ type: 'LocalUserGroupsSet', data: { ...account, groups: [...command.groups] } }];
    case 'ForcePasswordChange':
      if (state.passwordHash === null) {
        throw new DomainError('conflict', 'the account has no password to change', 'password');
      }
      return state.forcePasswordChange ? [] : [{ type: 'LocalUserPasswordChangeForced', data: account }];
  }
}

function decide(command: LocalUserCommand, state: LocalUserState): LocalUserEvent[] {
  assertValidHostId(command.hostId);
  assertValidUsername(command.username);
  switch (command.type) {
    case 'CreateLocalUser':
      return decideCreate(command, state);
    case 'RecordHostOutcome':
      // History of what the host did, kept even after the account was deleted.
      return decideOutcome(command, state);
    default:
      return decideChange(command, state);
  }
}

function evolveAccount(state: LocalUserState, event: LocalUserEvent): LocalUserState {
  switch (event.type) {
    case 'LocalUserCreated':
      return {
        ...initialState,
        changeCount: state.changeCount,
        eventCount: state.eventCount,
        lastOutcome: state.lastOutcome,
        exists: true,
        hostId: event.data.hostId,
        username: event.data.username,
        shell: event.data.shell,
        fullName: event.data.fullName,
        groups: event.data.groups,
        sudo: event.data.sudo,
        passwordHash: event.data.passwordHash,
        forcePasswordChange: event.data.forcePasswordChange,
        sshKeys: event.data.sshKeys,
        adopt: event.data.adopt ?? false,
      };
    case 'LocalUserDeleted':
      return { ...state, exists: false, deleted: true, removeHome: event.data.removeHome };
    case 'LocalUserPasswordSet':
      return {
        ...state,
        passwordHash: event.data.passwordHash,
        forcePasswordChange: event.data.forcePasswordChange,
      };
    case 'LocalUserSshKeyAdded':
      return { ...state, sshKeys: [...state.sshKeys, event.data.key] };
    case 'LocalUserSshKeyRemoved':
      return { ...state, sshKeys: state.sshKeys.filter((key) => key.fingerprint !== event.data.fingerprint) };
    case 'LocalUserSudoGranted':
      return { ...state, sudo: true };
    case 'LocalUserSudoRevoked':
      return { ...state, sudo: false };
    case 'LocalUserLocked':
      return { ...state, locked: true };
    case 'LocalUserUnlocked':
      return { ...state, locked: false };
    case 'LocalUserExpirySet':
      return { ...state, expiresOn: event.data.expiresOn };
    case 'LocalUserShellChanged':
      return { ...state, shell: event.data.shell };
    case 'LocalUserGroupsSet':
      return { ...state, groups: event.data.groups };
    case 'LocalUserPasswordChangeForced':
      return { ...state, forcePasswordChange: true };
    case 'HostChangeApplied':
      return { ...state, lastOutcome: { ...event.data, status: 'applied' } };
    case 'HostChangeFailed':
      return { ...state, lastOutcome: { ...event.data, status: 'failed' } };
  }
}

const CHANGE_TYPES: ReadonlySet<string> = new Set(LOCAL_USER_CHANGE_TYPES);

function requestsForcedChange(event: LocalUserEvent): boolean {
  switch (event.type) {
    case 'LocalUserCreated':
    case 'LocalUserPasswordSet':
      return event.data.forcePasswordChange;
    case 'LocalUserPasswordChangeForced':
      return true;
    default:
      return false;
  }
}

/** Tracks when a forced password change was asked for, and drops it once the host applied it. */
function trackForcedChange(
  state: LocalUserState,
  next: LocalUserState,
  event: LocalUserEvent,
): LocalUserState {
  if (requestsForcedChange(event)) return { ...next, forceRequestedAt: state.eventCount };
  if (!next.forcePasswordChange) return { ...next, forceRequestedAt: null };
  const appliedSince =
    event.type === 'HostChangeApplied' &&
    next.forceRequestedAt !== null &&
    BigInt(event.data.revision) >= BigInt(next.forceRequestedAt);
  return appliedSince ? { ...next, forcePasswordChange: false, forceRequestedAt: null } : next;
}

export const localUserDecider: Decider<LocalUserCommand, LocalUserEvent, LocalUserState> = {
  initialState,
  decide,
  evolve(state, event) {
    const next = trackForcedChange(state, evolveAccount(state, event), event);
    return {
      ...next,
      changeCount: CHANGE_TYPES.has(event.type) ? next.changeCount + 1 : next.changeCount,
      eventCount: state.eventCount + 1,
    };
  },
};

/** What the host should look like after the last change: the whole account, never a diff. */
export function desiredStateOf(state: LocalUserState): DesiredLocalUser {
  if (!state.exists) return { present: false, removeHome: state.removeHome };
  return {
    present: true,
    shell: state.shell,
    fullName: state.fullName,
    groups: [...state.groups],
    sudo: state.sudo,
    passwordHash: state.passwordHash,
    locked: state.locked,
    expiresOn: state.expiresOn,
    forcePasswordChange: state.forcePasswordChange,
    sshKeys: state.sshKeys.map((key) => ({ line: key.line, fingerprint: key.fingerprint })),
    ...(state.adopt ? { adopt: true } : {}),
  };
}
