import { DomainError, type AccountProtection, type HostCommand } from '@ops/domain';
import { verifyHostCommandSignature } from '@ops/infra/host-trust/host-command-signature';
import type { KeyObject } from 'node:crypto';
import type { AppliedRevisions } from '../applied-revisions';
import { assertValidDesiredState } from './desired-state';

export interface HostCommandVerifierOptions {
  hostId: string;
  /** The control plane's public keys (several while its key rotates). */
  trustedKeys: readonly KeyObject[];
  protection: AccountProtection;
}

export interface CommandVerdict {
  /**
   * The control plane sent it to this host. Only such a command is reported on: the id, account and
   * revision of any other were chosen by whoever forged it.
   */
  authentic: boolean;
  /** Why the command is refused, in words fit for its outcome (no secret), or null to go ahead. */
  refusal: string | null;
}

/**
 * Decides whether a command may touch this host at all, before anything else looks at it: it must be
 * for this host, signed by the control plane over exactly what it carries, not older than what was
 * already applied to the account (a replay), and sound by the domain's rules.
 */
export class HostCommandVerifier {
  constructor(private readonly options: HostCommandVerifierOptions) {
    if (options.trustedKeys.length === 0)
      throw new Error('The host agent needs at least one trusted control-plane key');
  }

  /** One pass over the command: each signature is checked once, whatever the caller then needs. */
  check(command: HostCommand, applied: Pick<AppliedRevisions, 'isOlderThanApplied'>): CommandVerdict {
    const forgery = this.forgery(command);
    if (forgery) return { authentic: false, refusal: forgery };
    return { authentic: true, refusal: this.unsoundness(command, applied) };
  }

  /** Why the command cannot be the control plane's, for this host; null when it is. */
  private forgery(command: HostCommand): string | null {
    const { hostId } = this.options;
    if (command.hostId !== hostId) return `command for host ${command.hostId} refused by host ${hostId}`;
    if (!/^\d{1,19}$/.test(command.revision)) return 'command refused: its revision is not a stream revision';
    if (!command.signature) return 'command refused: it is not signed';
    if (!verifyHostCommandSignature(command, this.options.trustedKeys)) {
      return 'command refused: its signature is not valid under any trusted control-plane key';
    }
    return null;
  }

  /** Why a command the control plane did send must still not run here; null to go ahead. */
  private unsoundness(
    command: HostCommand,
    applied: Pick<AppliedRevisions, 'isOlderThanApplied'>,
  ): string | null {
    if (applied.isOlderThanApplied(command.username, command.revision)) {
      return `command refused: revision ${command.revision} is older than the one already applied (replay)`;
    }
    try {
      assertValidDesiredState(command, this.options.protection);
    } catch (error) {
      // A signed state of the wrong shape (a control plane bug) must be refused like an unsound one.
      const reason = error instanceof DomainError ? error.message : 'the desired state is malformed';
      return `command refused: ${reason}`;
    }
    return null;
  }
}
