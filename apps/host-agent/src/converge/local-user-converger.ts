import type { DesiredPresentUser, HostCommand, HostOutcome } from '@ops/domain/local-users/host-command';
import { isValidUsername } from '@ops/domain/local-users/username';
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
import { redactToolMessage } from './redact';
import type { SecretOpener } from './secret-opener';

export interface LocalUserConvergerOptions {
  /** The root the runner works on; the converger reads the same root's files. */
  root: string;
  runner: ToolRunner;
  openSecret: SecretOpener;
  /** Membership of this group is what `sudo: true` means. */
  sudoGroup: string;
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
    await this.run(username, { tool: 'userdel', args: removeHome ? ['-r', username] : [username] });
  }

  private async makePresent(command: HostCommand, desired: DesiredPresentUser): Promise<void> {
    const { username } = command;
    const target = this.targetOf(command, desired);
    let files = await readAccountFiles(this.options.root);
    if (!files.passwd.some((entry) => entry.username === username)) {
      await this.run(username, planCreate(username, target));
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
    const result = await this.options.runner.run(step.tool, step.args);
    this.options.logger.info({ tool: step.tool, username, exitCode: result.exitCode }, 'shadow tool ran');
    if (result.exitCode !== 0) {
      const secrets = step.secret ? [step.secret] : [];
      throw new StepFailed(step.tool, result.exitCode, redactToolMessage(result.stderr, secrets));
    }
  }
}
