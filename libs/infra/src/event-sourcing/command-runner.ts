import type { AggregateStream, DomainEvent } from '@ops/domain';
import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_STORE,
  WrongExpectedRevisionError,
  type EventStore,
  type GlobalPosition,
  type RecordedEvent,
} from '../event-store/event-store';
import type { CommandContext } from './command-context';
import { recordCommandPosition } from './command-positions';
import { backOff, retriesAfter } from './conflict-retry';
import { commandEnvelopes } from './envelopes';
import { eventIdFor, type EventIdSource } from './event-ids';
import {
  firstKeyUse,
  idempotencyKeyStream,
  IdempotencyKeyReusedError,
  keyUseAppend,
  keyUseOf,
} from './idempotency-key-claims';
import { KeyedSerializer } from './keyed-serializer';
import { StreamCommandBatcher } from './stream-command-batcher';
import { catchUp, expectedAfter, type Evolver } from './stream-loading';
import { StreamStateCache } from './stream-state-cache';

export interface CommandOutcome<State> {
  /** State of the stream after the command (including events of an earlier, identical attempt). */
  state: State;
  /** Events this command produced; on an idempotent retry, the ones the first attempt stored. */
  eventIds: string[];
  revision: bigint;
  /**
   * Where the command's last event sits in the global log (for an idempotent retry, the first
   * attempt's), so a caller can wait until read models have applied it; null when nothing was appended.
   */
  position: GlobalPosition | null;
  /** True when an earlier attempt with the same idempotency key had already been applied. */
  replayed: boolean;
}

/** A command on one aggregate's stream (from its domain binding: `creditAccount.stream(userId)`). */
export interface RunCommand<
  Command extends { type: string },
  Event extends DomainEvent,
  State,
> extends AggregateStream<Command, Event, State> {
  command: Command;
  context: CommandContext;
  /** Clock passed in so the envelope's time is testable. */
  now?: () => Date;
  /**
   * The caller just made the stream's name up (a fresh request id), so it starts from the initial
   * state without reading; should the stream exist after all, the append fails and it is read.
   */
  newStream?: boolean;
  /**
   * A command on another stream whose events are stored together with this one's, in one atomic
   * append where the store has them (`EventStore.appendMany`): a credit hold with the request's
   * routing, say. It is decided after this command, and dropped with it if this one is refused; a
   * refusal of its own refuses both. Not for commands with an idempotency key.
   */
  alongside?: AnyCommand;
  /**
   * Called once the command was decided on the cached state to store events, before they are stored
   * (batched commands only): a caller may start work that does not depend on the write being durable,
   * and must still await the outcome, which may yet refuse the command (the stream had moved) or fail.
   */
  onDecided?: () => void;
}

/** Any command, whatever its stream's decider: what the batcher queues and what a command carries. */
export type AnyCommand = RunCommand<{ type: string }, DomainEvent, unknown>;

/** The events an earlier attempt with the same idempotency key stored, in order (none without a key). */
function idsOfEarlierAttempt(history: readonly RecordedEvent[], source: EventIdSource): string[] {
  if (!source.idempotencyKey) return [];
  const stored = new Set(history.map((event) => event.id));
  const ids: string[] = [];
  for (let index = 0; ; index++) {
    const id = eventIdFor(index, source);
    if (!stored.has(id)) return ids;
    ids.push(id);
  }
}

/**
 * The one way a command reaches the log: fold the stream, decide, append with the revision that was
 * read. A concurrent writer makes the append fail; the command is then decided again on the fresh
 * state, so no write is ever lost.
 *
 * Commands with an idempotency key read the whole stream, since a retry is recognised by the ids it
 * stored. Commands without one are decided on a cached state and batched per stream
 * (StreamCommandBatcher); their idempotency, where they need it, lives in the decider.
 */
@Injectable()
export class CommandRunner {
  private readonly perStream = new KeyedSerializer();
  private readonly cache = new StreamStateCache();
  private readonly batcher: StreamCommandBatcher;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {
    this.batcher = new StreamCommandBatcher(store, this.cache);
  }

  async run<Command extends { type: string }, Event extends DomainEvent, State>(
    request: RunCommand<Command, Event, State>,
  ): Promise<CommandOutcome<State>> {
    const outcome = await this.decideAndAppend(request);
    recordCommandPosition(outcome.position);
    return outcome;
  }

  private decideAndAppend<Command extends { type: string }, Event extends DomainEvent, State>(
    request: RunCommand<Command, Event, State>,
  ): Promise<CommandOutcome<State>> {
    if (!request.context.idempotencyKey) return this.batcher.submit(request);
    if (request.alongside) throw new TypeError('A command with an idempotency key cannot carry another');
    return this.perStream.run(request.streamName, () => {
      // The keyed path writes behind the cache's back; the next cached command starts from the log.
      this.cache.delete(request.streamName);
      return runKeyedCommand(this.store, request);
    });
  }

  /** The current state of a stream: the cached fold, caught up with anything appended since. */
  async load<Event extends DomainEvent, State>(
    streamName: string,
    decider: Evolver<Event, State>,
  ): Promise<{ state: State; revision: bigint }> {
    const cached = this.cache.get<State>(streamName, decider);
    const loaded = await catchUp(
      this.store,
      streamName,
      decider,
      cached?.state ?? decider.initialState,
      cached?.revision ?? -1n,
    );
    // A batch may have appended while this read was in flight.
    this.cache.advance(streamName, {
      decider,
      state: loaded.state,
      revision: loaded.revision,
      verifiedAt: Date.now(),
    });
    return { state: loaded.state, revision: loaded.revision };
  }

  /**
   * Like `load`, but a cached state known current within `maxAgeMs` is returned without a read. For
   * hot paths that may act on a state a moment old: in this process every write updates the cache at
   * once; only writes by other processes can be missed, for at most `maxAgeMs`.
   */
  async loadRecent<Event extends DomainEvent, State>(
    streamName: string,
    decider: Evolver<Event, State>,
    maxAgeMs: number,
  ): Promise<{ state: State; revision: bigint }> {
    const cached = this.cache.get<State>(streamName, decider);
    if (cached && Date.now() - cached.verifiedAt <= maxAgeMs) {
      return { state: cached.state, revision: cached.revision };
    }
    return this.load(streamName, decider);
  }
}

async function runKeyedCommand<Command extends { type: string }, Event extends DomainEvent, State>(
  store: EventStore,
  request: RunCommand<Command, Event, State>,
): Promise<CommandOutcome<State>> {
  const { decider, context } = request;
  const key = context.idempotencyKey!;
  let keyIsOurs = false;
  const idSource: EventIdSource = {
    streamName: request.streamName,
    commandType: request.command.type,
    actor: context.actor,
    idempotencyKey: context.idempotencyKey,
  };
  for (let attempt = 1; ; attempt++) {
    const { state, revision, history } = await catchUp(
      store,
      request.streamName,
      decider,
      decider.initialState,
      -1n,
    );
    const earlier = idsOfEarlierAttempt(history, idSource);
    const use = keyUseOf(context, request.streamName, request.command.type);
    if (earlier.length > 0) {
      // The key's events are here: a retry of this request, or another request reusing the key.
      const first = await firstKeyUse(store, idempotencyKeyStream(context.actor, key));
      if (first && first.scope !== use.scope) throw new IdempotencyKeyReusedError(request.streamName);
      const last = earlier[earlier.length - 1];
      const position = history.find((event) => event.id === last)?.position ?? null;
      return { state, eventIds: earlier, revision, position, replayed: true };
    }

    const events = decider.decide(request.command, state);
    if (events.length === 0) return { state, eventIds: [], revision, position: null, replayed: false };
    const envelopes = commandEnvelopes(request, events);
    const ids = envelopes.map((envelope) => envelope.id);
    const occurredAt = envelopes[0].metadata.occurredAt;
    const own = { streamName: request.streamName, events: envelopes, expected: expectedAfter(revision) };
    try {
      const result = keyIsOurs
        ? await store.append(own.streamName, own.events, own.expected)
        : (
            await store.appendMany([keyUseAppend(use, { ...context, idempotencyKey: key }, occurredAt), own])
          )[1];
      const nextState = events.reduce((current, event) => decider.evolve(current, event), state);
      return {
        state: nextState,
        eventIds: ids,
        revision: result.nextRevision,
        position: result.position,
        replayed: false,
      };
    } catch (error) {
      if (!keyIsOurs && error instanceof WrongExpectedRevisionError && error.streamName !== own.streamName) {
        const first = await firstKeyUse(store, error.streamName);
        if (first?.scope !== use.scope) {
          throw new IdempotencyKeyReusedError(request.streamName);
        }
        // An earlier attempt recorded the key (its events may be stored too: the next read tells).
        keyIsOurs = true;
        continue;
      }
      if (!retriesAfter(error, attempt)) throw error;
      await backOff(attempt);
    }
  }
}
