import type { DomainEvent } from '@ops/domain';
import {
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type GlobalPosition,
  type NewEvent,
  type StreamAppend,
} from '../event-store/event-store';
import type { AnyCommand, CommandOutcome, RunCommand } from './command-runner';
import { backOff, retriesAfter } from './conflict-retry';
import { commandEnvelopes } from './envelopes';
import { catchUp, expectedAfter } from './stream-loading';
import type { StreamStateCache } from './stream-state-cache';

/** Enough to amortise a commit over a burst on one stream without one append growing unbounded. */
const MAX_COMMANDS_PER_APPEND = 256;

interface Pending {
  request: AnyCommand;
  resolve(outcome: CommandOutcome<unknown>): void;
  reject(error: unknown): void;
}

/** A command's `alongside`, decided: what to append to its stream and the state that follows. */
interface AlongsideDecision {
  append: StreamAppend;
  decider: object;
  state: unknown;
}

type Decision =
  | {
      kind: 'events';
      ids: string[];
      state: unknown;
      lastRevisionOffset: bigint;
      alongside: AlongsideDecision | null;
    }
  | { kind: 'refused'; error: unknown };

/** Where a command's `alongside` stream stands before this batch. */
type AlongsideStates = Map<Pending, { state: unknown; revision: bigint }>;

/**
 * Commands without an idempotency key, queued per stream and decided in memory on the cached state:
 * whatever queued while one append was in flight is decided in order and written as the next single
 * append. A hot stream (one account under hundreds of concurrent requests) then costs one commit per
 * burst instead of one read and one commit per command.
 *
 * A refusal decided on cached state is only reported once the state is known to be current: either
 * the same batch's append succeeded at the expected revision, or a fresh read found nothing new.
 */
export class StreamCommandBatcher {
  private readonly queues = new Map<string, Pending[]>();

  constructor(
    private readonly store: EventStore,
    private readonly cache: StreamStateCache,
  ) {}

  submit<Command extends { type: string }, Event extends DomainEvent, State>(
    request: RunCommand<Command, Event, State>,
  ): Promise<CommandOutcome<State>> {
    return new Promise<CommandOutcome<State>>((resolve, reject) => {
      const pending = { request: request as unknown as AnyCommand, resolve, reject } as Pending;
      const queue = this.queues.get(request.streamName);
      if (queue) {
        queue.push(pending);
        return;
      }
      this.queues.set(request.streamName, [pending]);
      void this.drain(request.streamName);
    });
  }

  private async drain(streamName: string): Promise<void> {
    const queue = this.queues.get(streamName)!;
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_COMMANDS_PER_APPEND);
      try {
        await this.process(streamName, batch);
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
    this.queues.delete(streamName);
  }

  private async current(streamName: string, request: AnyCommand) {
    const cached = this.cache.get<unknown>(streamName, request.decider);
    if (cached) return cached;
    if (request.newStream)
      return { decider: request.decider, state: request.decider.initialState, revision: -1n };
    const loaded = await catchUp(this.store, streamName, request.decider, request.decider.initialState, -1n);
    return {
      decider: request.decider,
      state: loaded.state,
      revision: loaded.revision,
      verifiedAt: Date.now(),
    };
  }

  private async process(streamName: string, batch: Pending[]): Promise<void> {
    const { decider } = batch[0].request;
    let entry = await this.current(streamName, batch[0].request);
    const alongsideStates = await this.alongsideStates(batch);
    for (let attempt = 1; ; attempt++) {
      const { decisions, state, envelopes } = this.decideAll(batch, entry.state, alongsideStates);
      const alongside = decisions.flatMap((decision) =>
        decision.kind === 'events' && decision.alongside ? [decision.alongside] : [],
      );
      if (envelopes.length === 0) {
        // Nothing to append proves nothing about freshness: look before reporting refusals or no-ops.
        const fresh = await catchUp(this.store, streamName, decider, entry.state, entry.revision);
        const changed = fresh.revision !== entry.revision;
        entry = { decider, state: fresh.state, revision: fresh.revision, verifiedAt: Date.now() };
        this.cache.advance(streamName, entry);
        if (changed) continue;
        if (alongside.length === 0) {
          this.settle(batch, decisions, entry.revision, null);
          return;
        }
      }
      const expected = expectedAfter(entry.revision);
      const own: StreamAppend[] = envelopes.length > 0 ? [{ streamName, events: envelopes, expected }] : [];
      try {
        const results = await this.write([...own, ...alongside.map((decided) => decided.append)]);
        const mine = own.length > 0 ? results[0] : null;
        if (mine) {
          this.cache.advance(streamName, {
            decider,
            state,
            revision: mine.nextRevision,
            verifiedAt: Date.now(),
          });
        }
        alongside.forEach((decided, index) => this.remember(decided, results[own.length + index]));
        this.settle(batch, decisions, entry.revision, mine?.position ?? results[0].position);
        return;
      } catch (error) {
        if (failedAlongside(error, streamName) || !retriesAfter(error, attempt)) {
          this.cache.delete(streamName);
          for (const decided of alongside) this.cache.delete(decided.append.streamName);
          throw error;
        }
        const fresh = await catchUp(this.store, streamName, decider, entry.state, entry.revision);
        entry = { decider, state: fresh.state, revision: fresh.revision, verifiedAt: Date.now() };
        await backOff(attempt);
      }
    }
  }

  private write(appends: StreamAppend[]): Promise<AppendResult[]> {
    if (appends.length > 1) return this.store.appendMany(appends);
    const [{ streamName, events, expected }] = appends;
    return this.store.append(streamName, events, expected).then((result) => [result]);
  }

  private remember(decided: AlongsideDecision, result: AppendResult): void {
    this.cache.advance(decided.append.streamName, {
      decider: decided.decider,
      state: decided.state,
      revision: result.nextRevision,
      verifiedAt: Date.now(),
    });
  }

  private async alongsideStates(batch: Pending[]): Promise<AlongsideStates> {
    const states: AlongsideStates = new Map();
    for (const pending of batch) {
      const alongside = pending.request.alongside;
      if (alongside) states.set(pending, await this.current(alongside.streamName, alongside));
    }
    return states;
  }

  private decideAll(batch: Pending[], initial: unknown, alongsideStates: AlongsideStates) {
    let state = initial;
    let offset = 0n;
    const envelopes: NewEvent[] = [];
    const decisions: Decision[] = batch.map((pending) => {
      const { request } = pending;
      try {
        const events = request.decider.decide(request.command, state);
        const alongside = request.alongside
          ? decideAlongside(request.alongside, alongsideStates.get(pending)!)
          : null;
        const own = commandEnvelopes(request, events);
        state = events.reduce((current, event) => request.decider.evolve(current, event), state);
        if (events.length > 0) request.onDecided?.();
        envelopes.push(...own);
        offset += BigInt(events.length);
        const ids = own.map((envelope) => envelope.id);
        return { kind: 'events', ids, state, lastRevisionOffset: offset, alongside } as Decision;
      } catch (error) {
        return { kind: 'refused', error } as Decision;
      }
    });
    return { decisions, state, envelopes };
  }

  /** `position` is the append's last event: a command's own events are at or before it. */
  private settle(
    batch: Pending[],
    decisions: Decision[],
    startRevision: bigint,
    position: GlobalPosition | null,
  ): void {
    batch.forEach((pending, index) => {
      const decision = decisions[index];
      if (decision.kind === 'refused') {
        pending.reject(decision.error);
        return;
      }
      pending.resolve({
        state: decision.state,
        eventIds: decision.ids,
        revision: startRevision + decision.lastRevisionOffset,
        position: decision.ids.length > 0 ? position : null,
        replayed: false,
      });
    });
  }
}

/** A refusal of the command on the other stream refuses the command that carries it (it throws). */
function decideAlongside(
  request: AnyCommand,
  current: { state: unknown; revision: bigint },
): AlongsideDecision {
  const events = request.decider.decide(request.command, current.state);
  if (events.length === 0) {
    throw new Error(`${request.command.type} on ${request.streamName} decided nothing to store alongside`);
  }
  return {
    append: {
      streamName: request.streamName,
      events: commandEnvelopes(request, events),
      expected: expectedAfter(current.revision),
    },
    decider: request.decider,
    state: events.reduce((state, event) => request.decider.evolve(state, event), current.state),
  };
}

/**
 * A conflict or reused id on another command's stream: deciding this stream again cannot help, and
 * the whole append (atomic) or its rest (one by one) was not stored.
 */
function failedAlongside(error: unknown, streamName: string): boolean {
  return (
    (error instanceof WrongExpectedRevisionError || error instanceof DuplicateEventIdError) &&
    error.streamName !== streamName
  );
}
