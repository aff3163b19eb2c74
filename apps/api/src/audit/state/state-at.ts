import type { DomainEvent } from '@ops/domain';
import { streamBatches } from '@ops/infra/audit';
import type { EventStore, RecordedEvent } from '@ops/infra/event-store/event-store';

export interface StateAt<State> {
  state: State;
  /** The last event folded: the stream stood at its revision at the instant asked about. */
  last: RecordedEvent;
}

interface Fold<Event, State> {
  readonly initialState: State;
  evolve(state: State, event: Event): State;
}

/**
 * A stream's state at an instant, from its events alone: the decider's own fold over the events in
 * revision order, up to the first one recorded after that instant. Stopping there (rather than
 * skipping it and folding later ones) keeps the answer a state the stream really went through,
 * even where two appends' recorded times interleave. Null when the stream had no event yet.
 */
export async function stateAt<Event extends DomainEvent, State>(
  store: EventStore,
  streamName: string,
  at: Date,
  decider: Fold<Event, State>,
): Promise<StateAt<State> | null> {
  let state = decider.initialState;
  let last: RecordedEvent | undefined;
  for await (const batch of streamBatches(store, streamName, 0n)) {
    for (const event of batch) {
      if (event.recordedAt > at) return last ? { state, last } : null;
      state = decider.evolve(state, { type: event.type, data: event.data } as Event);
      last = event;
    }
  }
  return last ? { state, last } : null;
}
