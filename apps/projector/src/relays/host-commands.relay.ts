import {
  desiredStateOf,
  hostDecider,
  hostStream,
  LOCAL_USER_CATEGORY,
  LOCAL_USER_CHANGE_TYPES,
  localUserDecider,
  localUserStream,
  type DesiredLocalUser,
  type HostCommand,
  type HostOutcome,
  type LocalUserEvent,
} from '@ops/domain';
import type { SecretBox } from '@ops/infra/crypto/secret-box';
import { catchUp } from '@ops/infra/event-sourcing/stream-loading';
import type { EventStore, RecordedEvent } from '@ops/infra/event-store/event-store';
import type { HostCommandDispatcher } from '@ops/infra/host-commands/host-command-dispatcher';
import { signHostCommand } from '@ops/infra/host-trust/host-command-signature';
import { sealForHost } from '@ops/infra/host-trust/host-seal';
import type { Ed25519SigningKey } from '@ops/infra/host-trust/signed-payload';
import type { Projection } from '@ops/infra/projections/projection';
import { registeredAgentKeys, type RegisteredAgentKeys } from '@ops/infra/host-trust/registered-agent-keys';

export interface HostCommandsRelayTrust {
  /** The control plane's key: every command leaves signed with it. */
  signingKey: Ed25519SigningKey;
  /** Opens the hashes as events keep them, to seal each to its target host instead. */
  box: SecretBox;
  /** Records a command that cannot be sent as failed, so the account shows why (the recorder's outcome). */
  recordFailure: (outcome: Extract<HostOutcome, { status: 'failed' }>) => Promise<void>;
}

/** A command that must not leave: why, in the words its failed outcome carries. */
class Unsendable extends Error {}

/**
 * Turns every account change into a host command carrying the account's whole desired state at that
 * revision, its password hash sealed to the target host's own key, signed by the control plane, and
 * hands it to the agents. A host without enrolled keys gets nothing (a hash could not be sealed to
 * it and its reports would not be trusted): the command is recorded as failed instead, so the relay
 * never stalls on it. The checkpoint advances only after the dispatcher resolved: a crash re-sends,
 * and the agent's convergence makes a re-sent command change nothing.
 */
export class HostCommandsRelay implements Projection {
  readonly name = 'host-commands';
  readonly filter = { streamPrefixes: [LOCAL_USER_CATEGORY], eventTypes: LOCAL_USER_CHANGE_TYPES };

  constructor(
    private readonly store: EventStore,
    private readonly dispatcher: HostCommandDispatcher,
    private readonly trust: HostCommandsRelayTrust,
  ) {}

  async apply(events: readonly RecordedEvent[]): Promise<void> {
    const desired = await this.desiredStates(events);
    const hostKeys = new Map<string, RegisteredAgentKeys | null>();
    const ready: HostCommand[] = [];
    const failures: Extract<HostOutcome, { status: 'failed' }>[] = [];
    for (const event of events) {
      const { hostId, username } = event.data as { hostId: string; username: string };
      const command: HostCommand = {
        commandId: event.id,
        hostId,
        username,
        revision: event.revision.toString(),
        desired: desired.get(event.id)!,
      };
      if (!hostKeys.has(hostId)) {
        const host = hostStream(hostId);
        const { state } = await catchUp(this.store, host, hostDecider, hostDecider.initialState, -1n);
        hostKeys.set(hostId, registeredAgentKeys(state));
      }
      try {
        ready.push(
          signHostCommand(this.sealedFor(command, hostKeys.get(hostId) ?? null), this.trust.signingKey),
        );
      } catch (error) {
        if (!(error instanceof Unsendable)) throw error;
        const { commandId, revision } = command;
        failures.push({
          commandId,
          hostId,
          username,
          revision,
          status: 'failed',
          tool: 'control-plane',
          exitCode: null,
          message: error.message,
        });
      }
    }
    await this.dispatcher.dispatch(ready);
    for (const failure of failures) await this.trust.recordFailure(failure);
  }

  /** Nothing to undo: a rebuild re-sends every state, which the agents skip as already applied. */
  async reset(): Promise<void> {}

  /** The command with its hash re-sealed from the platform's key to the target host's key. */
  private sealedFor(command: HostCommand, keys: RegisteredAgentKeys | null): HostCommand {
    if (!keys) {
      throw new Unsendable(
        `host ${command.hostId} has no enrolled agent keys: nothing is sent to it until an admin enrols its agent`,
      );
    }
    const { desired } = command;
    if (!desired.present || desired.passwordHash === null) return command;
    const owner = { hostId: command.hostId, username: command.username };
    let hash: string;
    try {
      hash = this.trust.box.open(desired.passwordHash, localUserStream(owner.hostId, owner.username));
    } catch {
      throw new Unsendable(`the password hash cannot be opened (key ${desired.passwordHash.keyId})`);
    }
    return { ...command, desired: { ...desired, passwordHash: sealForHost(hash, keys.sealing, owner) } };
  }

  /**
   * The account's desired state right after each event, by event id: each stream of the batch is read
   * once, up to its newest event here, and folded through.
   */
  private async desiredStates(events: readonly RecordedEvent[]): Promise<Map<string, DesiredLocalUser>> {
    const newest = new Map<string, bigint>();
    for (const event of events) newest.set(event.streamName, event.revision);
    const wanted = new Set(events.map((event) => event.id));
    const desired = new Map<string, DesiredLocalUser>();
    for (const [streamName, revision] of newest) {
      const history = await this.store.readStream(streamName, { maxCount: Number(revision) + 1 });
      let state = localUserDecider.initialState;
      for (const recorded of history) {
        state = localUserDecider.evolve(state, {
          type: recorded.type,
          data: recorded.data,
        } as LocalUserEvent);
        if (wanted.has(recorded.id)) desired.set(recorded.id, desiredStateOf(state));
      }
    }
    return desired;
  }
}
