import {
  desiredStateOf,
  LOCAL_USER_CATEGORY,
  LOCAL_USER_CHANGE_TYPES,
  localUserDecider,
  type HostCommand,
  type LocalUserEvent,
} from '@ops/domain';
import type { EventStore, RecordedEvent } from '@ops/infra/event-store/event-store';
import type { HostCommandDispatcher } from '@ops/infra/host-commands/host-command-dispatcher';
import type { Projection } from '@ops/infra/projections/projection';

/**
 * Turns every account change into a host command carrying the account's whole desired state at that
 * revision, and hands it to the agents. The checkpoint advances only after the dispatcher resolved:
 * a crash re-sends, and the agent's convergence makes a re-sent command change nothing.
 */
export class HostCommandsRelay implements Projection {
  readonly name = 'host-commands';
  readonly filter = { streamPrefixes: [LOCAL_USER_CATEGORY], eventTypes: LOCAL_USER_CHANGE_TYPES };

  constructor(
    private readonly store: EventStore,
    private readonly dispatcher: HostCommandDispatcher,
  ) {}

  async apply(events: readonly RecordedEvent[]): Promise<void> {
    const commands: HostCommand[] = [];
    for (const event of events) commands.push(await this.commandFor(event));
    await this.dispatcher.dispatch(commands);
  }

  /** Nothing to undo: a rebuild re-sends every state, which the agents skip as already applied. */
  async reset(): Promise<void> {}

  private async commandFor(event: RecordedEvent): Promise<HostCommand> {
    const history = await this.store.readStream(event.streamName, { maxCount: Number(event.revision) + 1 });
    const state = history.reduce(
      (current, recorded) =>
        localUserDecider.evolve(current, { type: recorded.type, data: recorded.data } as LocalUserEvent),
      localUserDecider.initialState,
    );
    const { hostId, username } = event.data as { hostId: string; username: string };
    return {
      commandId: event.id,
      hostId,
      username,
      revision: event.revision.toString(),
      desired: desiredStateOf(state),
    };
  }
}
