import type { Decider, DomainEvent } from '@ops/domain';
import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_STORE,
  WrongExpectedRevisionError,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '../event-store/event-store';
import type { CommandContext } from './command-context';
import { eventIdFor } from './event-ids';
import { KeyedSerializer } from './keyed-serializer';

export interface CommandOutcome<State> {
  /** State of the stream after the command (including events of an earlier, identical attempt). */
  state: State;
  /** Events this command produced; on an idempotent retry, the ones the first attempt stored. */
  eventIds: string[];
  revision: bigint;
  /** True when an earlier attempt with the same idempotency key had already been applied. */
  replayed: boolean;
}

export interface RunCommand<Command extends { type: string }, Event extends DomainEvent, State> {
  streamName: string;
  decider: Decider<Command, Event, State>;
  command: Command;
  context: CommandContext;
  schemaVersions: Record<Event['type'], number>;
  /** Clock passed in so the envelope's time is testable. */
  now?: () => Date;
}

/** Conflicts left after in-process serialization come from other processes; a few retries absorb them. */
const MAX_ATTEMPTS = 20;

/** The events an earlier attempt with the same idempotency key stored, in order (none without a key). */
function idsOfEarlierAttempt(
  history: readonly RecordedEvent[],
  commandType: string,
  context: CommandContext,
): string[] {
  if (!context.idempotencyKey) return [];
  const stored = new Set(history.map((event) => event.id));
  const ids: string[] = [];
  for (let index = 0; ; index++) {
    const id = eventIdFor(index, commandType, context.actor, context.idempotencyKey);
    if (!stored.has(id)) return ids;
    ids.push(id);
  }
}

function toDomainEvent<Event extends DomainEvent>(event: RecordedEvent): Event {
  return { type: event.type, data: event.data } as Event;
}

/**
 * The one way a command reaches the log: load the stream, fold it, decide, append with the revision
 * that was read. A concurrent writer makes the append fail; the command is then decided again on the
 * fresh state, so no write is ever lost. Commands on one stream in this process take turns.
 */
@Injectable()
export class CommandRunner {
  private readonly perStream = new KeyedSerializer();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  run<Command extends { type: string }, Event extends DomainEvent, State>(
    request: RunCommand<Command, Event, State>,
  ): Promise<CommandOutcome<State>> {
    return this.perStream.run(request.streamName, () => runCommand(this.store, request));
  }

  /** The current state of a stream, for a command that must consult another aggregate first. */
  async load<Event extends DomainEvent, State>(
    streamName: string,
    decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  ): Promise<{ state: State; revision: bigint }> {
    return loadStream(this.store, streamName, decider);
  }
}

async function loadStream<Event extends DomainEvent, State>(
  store: EventStore,
  streamName: string,
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
): Promise<{ state: State; revision: bigint; history: RecordedEvent[] }> {
  const history = await store.readStream(streamName);
  const state = history.reduce(
    (current, event) => decider.evolve(current, toDomainEvent<Event>(event)),
    decider.initialState,
  );
  return { state, revision: history.length > 0 ? history[history.length - 1].revision : -1n, history };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runCommand<Command extends { type: string }, Event extends DomainEvent, State>(
  store: EventStore,
  request: RunCommand<Command, Event, State>,
): Promise<CommandOutcome<State>> {
  const { decider, context } = request;
  for (let attempt = 1; ; attempt++) {
    const { state, revision, history } = await loadStream(store, request.streamName, decider);
    const earlier = idsOfEarlierAttempt(history, request.command.type, context);
    if (earlier.length > 0) return { state, eventIds: earlier, revision, replayed: true };

    const events = decider.decide(request.command, state);
    const ids = events.map((_, index) =>
      eventIdFor(index, request.command.type, context.actor, context.idempotencyKey),
    );
    const occurredAt = (request.now?.() ?? new Date()).toISOString();
    const envelopes: NewEvent[] = events.map((event, index) => ({
      id: ids[index],
      type: event.type,
      schemaVersion: request.schemaVersions[event.type as Event['type']],
      data: event.data,
      metadata: {
        actor: context.actor,
        correlationId: context.correlationId,
        causationId: context.causationId,
        occurredAt,
        source: context.source,
      },
    }));
    if (envelopes.length === 0) return { state, eventIds: [], revision, replayed: false };

    try {
      const result = await store.append(
        request.streamName,
        envelopes,
        revision < 0n ? 'no_stream' : revision,
      );
      const nextState = events.reduce((current, event) => decider.evolve(current, event), state);
      return { state: nextState, eventIds: ids, revision: result.nextRevision, replayed: false };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS) throw error;
      // Jitter spreads writers from other processes apart so one of them wins each round.
      await sleep(Math.random() * 5 * attempt);
    }
  }
}
