import { assertValidGroups } from '@ops/domain/local-users/account-fields';
import type { DesiredPresentUser, HostCommand, HostOutcome } from '@ops/domain/local-users/host-command';
import { isValidPasswordHash } from '@ops/domain/local-users/password-policy';
import { isValidUsername } from '@ops/domain/local-users/username';
import { DomainError } from '@ops/domain/shared/domain-error';
import type { Logger } from 'pino';
import { readAccountFiles, supplementaryGroups } from '../shadow/read-accounts';
import type { ToolRunner } from '../shadow/shadow-utils';
import { FIRST_REGULAR_UID, OVERFLOW_UID } from '@ops/domain/hosts/inventory';
import {
  dayOf,
  planCreate,
  planUpdate,
  type AccountState,
  type AccountTarget,
  type ToolStep,
} from './account-plan';
import { syncAuthorizedKeys } from './authorized-keys';
import type { ManagedAccounts } from './managed-accounts';
import { redactToolMessage } from './redact';
import type { SecretOpener } from './secret-opener';

export interface LocalUserConvergerOptions {
  /** The root the runner works on; the converger reads the same root's files. */
  root: string;
  runner: ToolRunner;
  openSecret: SecretOpener;
  /** Membership of this group is what `sudo: true` means. */
  sudoGroup: string;
  /** Root-equivalent groups, refused as plain groups whatever the control plane sends. */
  refusedGroups: readonly string[];
  /** The accounts this agent created or was told to adopt: the only ones it changes. */
  managed: ManagedAccounts;
  logger: Logger;
}

type Failure = Extract<HostOutcome, { status: 'failed' }>;

/** Why a step failed, in the words the outcome carries. */
class StepFailed extends Error {
  constructor(
    readonly tool: string,
    readonly exitCode: number | null,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/**
 * The control plane refuses system accounts, but only as far as it knows the host: the agent, which
 * reads the real files, never changes one whatever it is told.
 */
function refuseSystemAccount(entry: { username: string; uid: number }): void {
  if (entry.uid < FIRST_REGULAR_UID || entry.uid === OVERFLOW_UID) {
    throw new StepFailed(
      'host-agent',
      null,
      `${entry.username} is a system account (uid ${entry.uid}): refused`,
    );
  }
}

/**
 * An account that exists on the host and that the platform neither created nor adopted belongs to
 * someone else: an admin's, a package's, or one planted under a name the platform would create.
 */
function refuseForeignAccount(username: string): never {
  throw new StepFailed(
    'host-agent',
    null,
    `${username} already exists on the host and was not created by the platform: refused (adopt it explicitly)`,
  );
}

/**
 * Takes one account to the state a command describes, reading the root's files first and running a
 * tool only for what differs: a command that already took effect runs nothing and is reported
 * applied, which is what makes redelivery and a crash between apply and acknowledgement harmless.
 */
export class LocalUserConverger {
  constructor(private readonly options: LocalUserConvergerOptions) {}

  async apply(command: HostCommand): Promise<HostOutcome> {
    const reference = {
      commandId: command.commandId,
      hostId: command.hostId,
      username: command.username,
      revision: command.revision,
    };
    try {
      if (!isValidUsername(command.username)) {
        throw new StepFailed('host-agent', null, 'username refused: it does not match the allowed pattern');
      }
      if (command.desired.present) await this.makePresent(command, command.desired);
      else await this.makeAbsent(command.username, command.desired.removeHome);
      return { ...reference, status: 'applied' };
    } catch (error) {
      const failure: Failure =
        error instanceof StepFailed
          ? {
              ...reference,
              status: 'failed',
              tool: error.tool,
              exitCode: error.exitCode,
              message: error.detail,
            }
          : {
              ...reference,
              status: 'failed',
              tool: 'host-agent',
              exitCode: null,
              message: redactToolMessage(String(error), []),
            };
      this.options.logger.warn(
        {
          username: command.username,
          commandId: command.commandId,
          tool: failure.tool,
          exitCode: failure.exitCode,
        },
        `host command failed: ${failure.message}`,
      );
      return failure;
    }
  }

  private async makeAbsent(username: string, removeHome: boolean): Promise<void> {
    const files = await readAccountFiles(this.options.root);
    const existing = files.passwd.find((entry) => entry.username === username);
    if (!existing) return;
    refuseSystemAccount(existing);
    if (!this.options.managed.manages(username)) refuseForeignAccount(username);
    await this.run(username, { tool: 'userdel', args: removeHome ? ['-r', username] : [username] });
    await this.options.managed.forget(username);
  }

  private async makePresent(command: HostCommand, desired: DesiredPresentUser): Promise<void> {
    const { username } = command;
    const target = this.targetOf(command, desired);
    let files = await readAccountFiles(this.options.root);
    const existing = files.passwd.find((candidate) => candidate.username === username);
    if (existing) {
      refuseSystemAccount(existing);
      if (!this.options.managed.manages(username)) {
        if (!desired.adopt) refuseForeignAccount(username);
        await this.options.managed.remember(username, 'adopted');
      }
    } else {
      const [create, ...rest] = planCreate(username, target);
      await this.run(username, create);
      // Remembered before anything else can fail, so a retry sees the account as the platform's.
      await this.options.managed.remember(username, 'created');
      for (const step of rest) await this.run(username, step);
      files = await readAccountFiles(this.options.root);
    }
    const entry = files.passwd.find((candidate) => candidate.username === username);
    if (!entry) throw new StepFailed('useradd', 0, `${username} is not in passwd after useradd`);
    refuseSystemAccount(entry);
    const state: AccountState = {
      shell: entry.shell,
      comment: entry.comment,
      groups: supplementaryGroups(files.group, username),
      shadow: files.shadow.find((candidate) => candidate.username === username),
    };
    for (const step of planUpdate(username, state, target)) await this.run(username, step);
    try {
      const keys = desired.sshKeys.map((key) => key.line);
      await syncAuthorizedKeys(this.options.root, entry, keys);
    } catch (error) {
      throw new StepFailed('authorized_keys', null, redactToolMessage(String(error), []));
    }
  }

  private targetOf(command: HostCommand, desired: DesiredPresentUser): AccountTarget {
    let passwordHash: string | null = null;
    try {
      passwordHash = desired.passwordHash && this.options.openSecret(desired.passwordHash, command);
    } catch {
      // The opener's error could quote what it was given; the key id is all an operator needs.
      throw new StepFailed(
        'secret',
        null,
        `password hash cannot be opened (key ${desired.passwordHash?.keyId})`,
      );
    }
    // The hash becomes a `user:hash` line on chpasswd's stdin: a newline in it would be a second line.
    if (passwordHash !== null && !isValidPasswordHash(passwordHash)) {
      throw new StepFailed('secret', null, 'password hash is not a crypt(3) hash: refused');
    }
    try {
      assertValidGroups(desired.groups, this.options.refusedGroups);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      throw new StepFailed('host-agent', null, error.message);
    }
    // Sudo is what the `sudo` flag says, nothing else: the sudo group named as a plain group is refused.
    if (desired.groups.includes(this.options.sudoGroup)) {
      throw new StepFailed(
        'host-agent',
        null,
        `group ${this.options.sudoGroup} grants sudo: use the sudo flag`,
      );
    }
    const groups = desired.sudo ? [...desired.groups, this.options.sudoGroup] : desired.groups;
    return {
      shell: desired.shell,
      fullName: desired.fullName,
      groups: [...new Set(groups)],
      passwordHash,
      locked: desired.locked,
      expireDay: desired.expiresOn === null ? null : dayOf(desired.expiresOn),
      expiresOn: desired.expiresOn,
      forcePasswordChange: desired.forcePasswordChange,
    };
  }

  private async run(username: string, step: ToolStep): Promise<void> {
    const result = await this.options.runner.run(step.tool, step.args, step.input);
    this.options.logger.info({ tool: step.tool, username, exitCode: result.exitCode }, 'shadow tool ran');
    if (result.exitCode !== 0) {
      const secrets = step.secret ? [step.secret] : [];
      throw new StepFailed(step.tool, result.exitCode, redactToolMessage(result.stderr, secrets));
    }
  }
}
