import { assertValidGroups } from '@ops/domain/local-users/account-fields';
import type {
  DesiredPresentUser,
  FieldOutcome,
  HostCommand,
  HostField,
  HostOutcome,
} from '@ops/domain/local-users/host-command';
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
  type FieldStep,
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
 * What became of each field of one command. A field that failed keeps its first failure and runs
 * nothing more: its later steps build on the one that failed.
 */
class FieldResults {
  private readonly results = new Map<HostField, FieldOutcome>();

  applied(field: HostField): void {
    if (!this.results.has(field)) this.results.set(field, { field, status: 'applied' });
  }

  failed(field: HostField, error: StepFailed): void {
    if (this.hasFailed(field)) return;
    const { tool, exitCode, detail: message } = error;
    this.results.set(field, { field, status: 'failed', tool, exitCode, message });
  }

  hasFailed(field: HostField): boolean {
    return this.results.get(field)?.status === 'failed';
  }

  list(): FieldOutcome[] {
    return [...this.results.values()];
  }
}

function stepFailure(error: unknown): StepFailed {
  return error instanceof StepFailed
    ? error
    : new StepFailed('host-agent', null, redactToolMessage(String(error), []));
}

/**
 * Takes one account to the state a command describes, reading the root's files first and running a
 * tool only for what differs: a command that already took effect runs nothing and is reported
 * applied, which is what makes redelivery and a crash between apply and acknowledgement harmless.
 * Each field converges on its own and revocations run first, so one field the host cannot take never
 * keeps a revocation from applying; the outcome says per field what applied and what failed.
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
    const results = new FieldResults();
    let refusal: StepFailed | null = null;
    try {
      if (!isValidUsername(command.username)) {
        throw new StepFailed('host-agent', null, 'username refused: it does not match the allowed pattern');
      }
      if (command.desired.present) await this.makePresent(command, command.desired, results);
      else await this.makeAbsent(command.username, command.desired.removeHome, results);
    } catch (error) {
      refusal = stepFailure(error);
    }
    const fields = results.list();
    const failures = fields.filter((field) => field.status === 'failed');
    const first = refusal ?? failures[0];
    if (!first) return { ...reference, status: 'applied' };
    const { tool, exitCode } = first;
    const message = first instanceof StepFailed ? first.detail : first.message;
    this.options.logger.warn(
      { username: command.username, commandId: command.commandId, tool, exitCode, fields: failures.length },
      `host command failed: ${message}`,
    );
    return {
      ...reference,
      status: 'failed',
      tool,
      exitCode,
      message,
      ...(fields.length > 0 ? { fields } : {}),
    };
  }

  private async makeAbsent(username: string, removeHome: boolean, results: FieldResults): Promise<void> {
    const files = await readAccountFiles(this.options.root);
    const existing = files.passwd.find((entry) => entry.username === username);
    if (!existing) return;
    refuseSystemAccount(existing);
    if (!this.options.managed.manages(username)) refuseForeignAccount(username);
    const deleted = await this.step(username, results, {
      field: 'account',
      tool: 'userdel',
      args: removeHome ? ['-r', username] : [username],
    });
    if (deleted) await this.options.managed.forget(username);
  }

  private async makePresent(
    command: HostCommand,
    desired: DesiredPresentUser,
    results: FieldResults,
  ): Promise<void> {
    const { username } = command;
    let files = await readAccountFiles(this.options.root);
    const existing = files.passwd.find((candidate) => candidate.username === username);
    const wanted = this.wantedOf(command, desired, results);
    if (existing) {
      refuseSystemAccount(existing);
      if (!this.options.managed.manages(username)) {
        if (!desired.adopt) refuseForeignAccount(username);
        await this.options.managed.remember(username, 'adopted');
      }
    } else {
      const created = await this.step(username, results, {
        field: 'account',
        ...planCreate(username, wanted),
      });
      if (!created) return;
      // Remembered before anything else can fail, so a retry sees the account as the platform's.
      await this.options.managed.remember(username, 'created');
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
    // Groups the agent refuses are not added, but memberships the command does not want still go.
    const target = results.hasFailed('groups')
      ? { ...wanted, groups: wanted.groups.filter((group) => state.groups.includes(group)) }
      : wanted;
    const plan = planUpdate(username, state, target);
    for (const step of plan.revocations) await this.step(username, results, step);
    try {
      const keys = desired.sshKeys.map((key) => key.line);
      if (await syncAuthorizedKeys(this.options.root, entry, keys)) results.applied('ssh_keys');
    } catch (error) {
      results.failed(
        'ssh_keys',
        new StepFailed('authorized_keys', null, redactToolMessage(String(error), [])),
      );
    }
    for (const step of plan.grants) await this.step(username, results, step);
  }

  /**
   * The desired state as the tools take it. A field the agent must refuse (a hash it cannot open, a
   * group it never grants) is reported failed here and left as the host has it; the others go on.
   */
  private wantedOf(command: HostCommand, desired: DesiredPresentUser, results: FieldResults): AccountTarget {
    const { sudoGroup } = this.options;
    let passwordHash: string | null | undefined;
    try {
      passwordHash = this.openPassword(command, desired);
    } catch (error) {
      results.failed('password', stepFailure(error));
    }
    try {
      assertValidGroups(desired.groups, this.options.refusedGroups);
      // Sudo is what the `sudo` flag says, nothing else: the sudo group named as a plain group is refused.
      if (desired.groups.includes(sudoGroup)) {
        throw new StepFailed('host-agent', null, `group ${sudoGroup} grants sudo: use the sudo flag`);
      }
    } catch (error) {
      const refused =
        error instanceof DomainError ? new StepFailed('host-agent', null, error.message) : error;
      results.failed('groups', stepFailure(refused));
    }
    return {
      shell: desired.shell,
      fullName: desired.fullName,
      groups: desired.groups.filter((group) => group !== sudoGroup),
      sudo: desired.sudo,
      sudoGroup,
      passwordHash,
      locked: desired.locked,
      expireDay: desired.expiresOn === null ? null : dayOf(desired.expiresOn),
      expiresOn: desired.expiresOn,
      forcePasswordChange: desired.forcePasswordChange,
    };
  }

  private openPassword(command: HostCommand, desired: DesiredPresentUser): string | null {
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
    return passwordHash;
  }

  /** Runs one field's step unless that field already failed; true when it ran and succeeded. */
  private async step(username: string, results: FieldResults, step: FieldStep): Promise<boolean> {
    if (results.hasFailed(step.field)) return false;
    try {
      await this.run(username, step);
    } catch (error) {
      results.failed(step.field, stepFailure(error));
      return false;
    }
    results.applied(step.field);
    return true;
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
