/**
 * The shape of every aggregate in the domain: a pure function from a command and the current state
 * to new events, and a pure fold from events to state. No I/O, no clock, no randomness.
 */
export interface Decider<Command, Event, State> {
  readonly initialState: State;
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
}

/** The domain's own event shape; infrastructure adds ids, metadata and positions around it. */
export interface DomainEvent<
  Type extends string = string,
  Data extends Record<string, unknown> = Record<string, unknown>,
> {
  readonly type: Type;
  readonly data: Data;
}

export function fold<Event, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState);
}
