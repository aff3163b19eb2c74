import type { Decider, DomainEvent } from './decider';

/** One aggregate's stream with what deciding a command on it needs: the input of every command run. */
export interface AggregateStream<Command, Event extends DomainEvent, State> {
  readonly streamName: string;
  readonly decider: Decider<Command, Event, State>;
  /** The schema version each event type is written with. */
  readonly schemaVersions: Record<Event['type'], number>;
}

/**
 * An aggregate's binding, declared once beside its decider: which stream an instance lives in, how
 * it decides, and which schema its events are written with. Callers name the instance, nothing else.
 */
export interface Aggregate<Ids extends readonly unknown[], Command, Event extends DomainEvent, State> {
  readonly decider: Decider<Command, Event, State>;
  readonly schemaVersions: Record<Event['type'], number>;
  stream(...ids: Ids): AggregateStream<Command, Event, State>;
}

export function aggregate<Ids extends readonly unknown[], Command, Event extends DomainEvent, State>(
  streamName: (...ids: Ids) => string,
  decider: Decider<Command, Event, State>,
  schemaVersions: Record<Event['type'], number>,
): Aggregate<Ids, Command, Event, State> {
  return {
    decider,
    schemaVersions,
    stream: (...ids) => ({ streamName: streamName(...ids), decider, schemaVersions }),
  };
}
