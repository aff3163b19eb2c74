import type { Decider, DomainEvent } from '@ops/domain';
import type { EventStore, ExpectedRevision, RecordedEvent } from '../event-store/event-store';

export type Evolver<Event extends DomainEvent, State> = Pick<
  Decider<unknown, Event, State>,
  'initialState' | 'evolve'
>;

export function toDomainEvent<Event extends DomainEvent>(event: RecordedEvent): Event {
  return { type: event.type, data: event.data } as Event;
}

/** What an append expects of a stream read up to `revision` (-1: the stream did not exist). */
export function expectedAfter(revision: bigint): ExpectedRevision {
  return revision < 0n ? 'no_stream' : revision;
}

/** Reads a stream after `revision` (from its start for -1) and folds what it finds onto `state`. */
export async function catchUp<Event extends DomainEvent, State>(
  store: EventStore,
  streamName: string,
  decider: Evolver<Event, State>,
  state: State,
  revision: bigint,
): Promise<{ state: State; revision: bigint; history: RecordedEvent[] }> {
  const history = await store.readStream(
    streamName,
    revision < 0n ? undefined : { fromRevision: revision + 1n },
  );
  const folded = history.reduce(
    (current, event) => decider.evolve(current, toDomainEvent<Event>(event)),
    state,
  );
  return {
    state: folded,
    revision: history.length > 0 ? history[history.length - 1].revision : revision,
    history,
  };
}
