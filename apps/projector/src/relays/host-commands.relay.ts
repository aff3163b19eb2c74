import {
  desiredStateOf,
  LOCAL_USER_CATEGORY,
  LOCAL_USER_CHANGE_TYPES,
  localUserDecider,
  type DesiredLocalUser,
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
    const desired = await this.desiredStates(events);
    const commands = events.map((event): HostCommand => {
      const { hostId, username } = event.data as { hostId: string; username: string };
      return {
        commandId: event.id,
        hostId,
        username,
        revision: event.revision.toString(),
        desired: desired.get(event.id)!,
      };
    });
    await this.dispatcher.dispatch(commands);
  }

  /** Nothing to undo: a rebuild re-sends every state, which the agents skip as already applied. */
  async reset(): Promise<void> {}

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
