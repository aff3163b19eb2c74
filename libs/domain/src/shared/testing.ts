import { fold, type Decider } from './decider';
import { DomainError, type DomainErrorCode } from './domain-error';

/** What a decider spec checks of one command: the events it decides, or how it is refused. */
export interface When<Event, State> {
  /** The events decided; with `afterwards`, also the state they fold into from the history. */
  then(expected: readonly Event[], afterwards?: (state: State) => void): void;
  /** The command is refused with this code and, when given, this field. Returns the refusal. */
  thenRefused(code: DomainErrorCode, field?: string): DomainError;
}

/**
 * Given a history of events, when a command is decided, then these events (or this refusal): the
 * shape every decider spec takes, so each states only its own history, command and expectation.
 */
export function given<Command, Event, State>(
  decider: Decider<Command, Event, State>,
  ...history: Event[]
): { when(command: Command): When<Event, State> } {
  const state = fold(decider, history);
  return {
    when(command) {
      const decide = () => decider.decide(command, state);
      return {
        then(expected, afterwards) {
          const events = decide();
          expect(events).toEqual(expected);
          afterwards?.(fold(decider, [...history, ...events]));
        },
        thenRefused(code, field) {
          let refused: unknown;
          try {
            decide();
          } catch (error) {
            refused = error;
          }
          expect(refused).toBeInstanceOf(DomainError);
          const error = refused as DomainError;
          expect({ code: error.code, field: error.field }).toEqual({ code, field: field ?? error.field });
          return error;
        },
      };
    },
  };
}
