import { Logger } from '@nestjs/common';
import {
  matchesEventFilter,
  type EventFilter,
  type EventStore,
  type GlobalPosition,
  type RecordedEvent,
  type Subscription,
} from '@ops/infra/event-store/event-store';
import type { DataSource, EntityManager } from 'typeorm';
import { advanceCheckpoints, CheckpointMovedError } from './checkpoint-store';

/** A projection the reader feeds, from the position it has applied. */
export interface LogReaderMember {
  readonly name: string;
  readonly filter: EventFilter;
  /**
   * True for a read model, which only writes rows: its batches share one transaction with the other
   * read models'. A relay (Kafka, Lago, host agents) waits on the outside world, so it commits alone
   * and never holds the read models back.
   */
  readonly writesRowsOnly: boolean;
  /** Applied up to here: the reader hands over only later events. */
  readonly position: GlobalPosition;
  /**
   * Applies events that match the filter, all after `position`, in log order, and advances the
   * checkpoint, inside the caller's transaction; `committed` follows once it commits.
   */
  applyIn(events: readonly RecordedEvent[], tx: EntityManager): Promise<void>;
  committed(events: readonly RecordedEvent[]): void;
}

interface MemberBatch {
  member: LogReaderMember;
  events: RecordedEvent[];
}

interface Following {
  resolve(): void;
  reject(error: unknown): void;
}

/** A member catching up: every event after `readTo` that it matches is still to be applied. */
interface Joining {
  readTo: GlobalPosition;
  resolve(caughtUpTo: GlobalPosition): void;
  reject(error: unknown): void;
}

/** One read of the catch-up, started before the batch before it is applied. */
interface CatchUpRead {
  from: GlobalPosition;
  group: readonly LogReaderMember[];
  result: Promise<{ head: GlobalPosition; events: RecordedEvent[] }>;
}

/**
 * One subscription to the log for all the projections of a process: each append wakes one reader,
 * not one per projection. Each batch read (everything there is, up to the batch size, so batches grow
 * under load) goes to every member whose filter matches some of it: the read models in one
 * transaction (one commit per batch, not one per projection), each behind a savepoint with its own
 * checkpoint, so a failing projection rolls back alone and holds back nobody else; each relay in a
 * transaction of its own, at the same time.
 * Members joining (at start, after a rebuild, a lock taken over, a failed batch) first catch up
 * together, one read per batch for all of them, then join; if the reader is past the point they
 * caught up to, the reader re-reads from there, and the members already past it skip what they
 * applied.
 */
export class LogReader {
  private readonly logger = new Logger(LogReader.name);
  private readonly members = new Map<LogReaderMember, Following>();
  /** Catching up, not fed yet; a `leave` meanwhile takes effect before the catch-up's next batch. */
  private readonly joining = new Map<LogReaderMember, Joining>();
  private readonly leftWhileJoining = new Set<LogReaderMember>();
  private catchingUp = false;
  private subscription?: Subscription;
  /** Every event up to here has been handed to every member (the last batch started, or the start). */
  private cursor?: GlobalPosition;
  /** Where the next subscription starts: the lowest position of a member that joined behind. */
  private rewindTo?: GlobalPosition;
  private restarting?: Promise<void>;
  private delivering?: Promise<void>;
  /** What the running subscription reads: undefined for everything. */
  private subscriptionFilter?: EventFilter;

  constructor(
    private readonly store: EventStore,
    private readonly db: DataSource,
    private readonly options: {
      batchSize: number;
      retryDelayMs: number;
      /** Told after every commit that recorded read models as read through a position. */
      onReadThrough?: () => void;
    },
  ) {}

  /**
   * Feeds `member` until `leave` (resolves) or until one of its batches fails (rejects with the
   * error, the batch rolled back): the caller re-reads its checkpoint and follows again.
   */
  async follow(member: LogReaderMember): Promise<void> {
    let caughtUpTo: GlobalPosition;
    try {
      caughtUpTo = await this.catchUp(member);
    } catch (error) {
      this.leftWhileJoining.delete(member);
      throw error;
    }
    if (this.leftWhileJoining.delete(member)) return;
    return new Promise<void>((resolve, reject) => {
      this.members.set(member, { resolve, reject });
      if (this.cursor === undefined || caughtUpTo < this.cursor) this.rewind(caughtUpTo);
      // A subscription filtered for the members before it would miss this one's events: read again.
      else if (!covers(this.subscriptionFilter, member.filter)) this.rewind(this.cursor);
    });
  }

  /**
   * Brings a joining member to the head together with every member joining meanwhile (all of them,
   * when a process starts). The reads are filtered to what any of them matches: a checkpoint is the
   * last event its projection matched, which may be far back, and the shared reader must not read
   * all that lies between unfiltered. Resolves with the position up to which it has every event.
   */
  private catchUp(member: LogReaderMember): Promise<GlobalPosition> {
    return new Promise<GlobalPosition>((resolve, reject) => {
      this.joining.set(member, { readTo: member.position, resolve, reject });
      if (this.catchingUp) return;
      this.catchingUp = true;
      // Every failure is handed to the members it concerns: nothing is left to reject here.
      void this.catchUpJoining();
    });
  }

  /** One batch after another for the joining members, until none is left behind. */
  private async catchUpJoining(): Promise<void> {
    let ahead: CatchUpRead | undefined;
    for (;;) {
      for (const member of this.leftWhileJoining) {
        const joining = this.joining.get(member);
        this.joining.delete(member);
        joining?.resolve(joining.readTo);
      }
      // Checked and cleared with no await between: a member joining later starts a new catch-up.
      if (this.joining.size === 0) {
        this.catchingUp = false;
        return;
      }
      const group = [...this.joining.keys()];
      const from = lowest(group.map((member) => this.joining.get(member)!.readTo));
      const read =
        ahead && ahead.from === from && sameMembers(ahead.group, group) ? ahead : this.readAhead(from, group);
      ahead = undefined;
      let batch: { head: GlobalPosition; events: RecordedEvent[] };
      try {
        batch = await read.result;
      } catch (error) {
        // Reading failed (the database restarting): each one follows again from its checkpoint.
        for (const member of group) this.rejectJoining(member, error);
        continue;
      }
      const { head, events } = batch;
      const last = events.at(-1);
      const full = last !== undefined && events.length >= this.options.batchSize;
      // The next batch is read while this one is applied: the database writes while we decode.
      if (full) ahead = this.readAhead(last.position, group);
      const work = group
        .map((member) => ({ member, events: eventsFor(member, events) }))
        .filter((one) => one.events.length > 0);
      const idle = group.filter(
        (member) => member.writesRowsOnly && !work.some((one) => one.member === member),
      );
      const failures = await this.applyBatch(work, last && { through: last.position, idle });
      for (const { member, error } of failures) this.rejectJoining(member, error);
      const caughtUp: { member: LogReaderMember; joining: Joining }[] = [];
      for (const member of group) {
        const joining = this.joining.get(member);
        if (!joining) continue;
        if (full) {
          if (last.position > joining.readTo) joining.readTo = last.position;
          continue;
        }
        // A page short of the batch size holds every matching event up to the head read before it.
        joining.readTo = head > member.position ? head : member.position;
        caughtUp.push({ member, joining });
      }
      const readModels = caughtUp.filter(({ member }) => member.writesRowsOnly);
      if (readModels.length > 0) {
        const through = lowest(readModels.map(({ joining }) => joining.readTo));
        await this.markIdle(
          through,
          readModels.map(({ member }) => member),
        );
      }
      for (const { member, joining } of caughtUp) {
        this.joining.delete(member);
        joining.resolve(joining.readTo);
      }
    }
  }

  /** Starts reading the batch after `from` for `group`, with the head as of just before. */
  private readAhead(from: GlobalPosition, group: readonly LogReaderMember[]): CatchUpRead {
    const result = (async () => {
      const head = await this.store.headPosition();
      const events = await this.store.readAll({
        from,
        filter: unionOf(group.map((member) => member.filter)),
        maxCount: this.options.batchSize,
      });
      return { head, events };
    })();
    // Awaited only when its batch comes, if ever: a read left behind must not crash the process.
    result.catch(() => undefined);
    return { from, group, result };
  }

  private rejectJoining(member: LogReaderMember, error: unknown): void {
    const joining = this.joining.get(member);
    this.joining.delete(member);
    joining?.reject(error);
  }

  /** Read models with nothing in a batch have still read through it; a failure here only delays that. */
  private async markIdle(through: GlobalPosition, idle: readonly LogReaderMember[]): Promise<void> {
    await advanceCheckpoints(this.db, [], { through, idle }).then(
      () => this.options.onReadThrough?.(),
      (error: unknown) =>
        this.logger.warn(
          `could not record read positions: ${error instanceof Error ? error.message : error}`,
        ),
    );
  }

  /** Stops feeding `member`; resolves once none of its batches is running. */
  async leave(member: LogReaderMember): Promise<void> {
    if (this.joining.has(member)) this.leftWhileJoining.add(member);
    const following = this.members.get(member);
    if (!following) return;
    this.members.delete(member);
    await this.restarting;
    if (this.members.size === 0 && this.subscription) {
      const subscription = this.subscription;
      this.subscription = undefined;
      this.cursor = undefined;
      await subscription.stop();
    }
    await this.delivering;
    following.resolve();
  }

  private rewind(to: GlobalPosition): void {
    if (this.rewindTo === undefined || to < this.rewindTo) this.rewindTo = to;
    // No caller awaits a restart: one that fails (the store closed under a shutting-down process) is
    // reported here rather than left to crash the process as an unhandled rejection.
    this.restarting ??= this.restartWhileRewound().catch((error: unknown) =>
      this.logger.warn(`could not resume reading the log: ${error instanceof Error ? error.message : error}`),
    );
  }

  /** A member may join behind while the subscription restarts: then it restarts once more. */
  private async restartWhileRewound(): Promise<void> {
    try {
      while (this.rewindTo !== undefined) await this.restart();
    } finally {
      this.restarting = undefined;
    }
  }

  /** Stops the subscription (waiting for its batch) and, while anyone follows, starts it again. */
  private async restart(): Promise<void> {
    const previous = this.subscription;
    this.subscription = undefined;
    await previous?.stop();
    const from = this.rewindTo;
    this.rewindTo = undefined;
    if (this.members.size === 0 || from === undefined) {
      this.cursor = undefined;
      return;
    }
    this.cursor = from;
    this.subscriptionFilter = filterFor([...this.members.keys()]);
    const subscription = this.store.subscribeAll(
      { from, filter: this.subscriptionFilter, maxBatchSize: this.options.batchSize },
      (events) => this.deliver(events),
    );
    this.subscription = subscription;
    subscription.done.catch((error: unknown) => {
      if (this.subscription !== subscription) return;
      // Reading failed (the database restarting): every member applied what it was given, so resume.
      this.logger.warn(`reading the log failed, resuming: ${error instanceof Error ? error.message : error}`);
      this.subscription = undefined;
      setTimeout(() => {
        if (this.cursor !== undefined && !this.subscription) this.rewind(this.cursor);
      }, this.options.retryDelayMs).unref();
    });
  }

  private deliver(batch: RecordedEvent[]): Promise<void> {
    this.delivering = this.deliverToMembers(batch);
    return this.delivering;
  }

  private async deliverToMembers(batch: RecordedEvent[]): Promise<void> {
    const last = batch.at(-1);
    if (!last) return;
    this.cursor = last.position;
    const work = [...this.members.keys()]
      .map((member) => ({ member, events: eventsFor(member, batch) }))
      .filter((one) => one.events.length > 0);
    const idle = [...this.members.keys()].filter(
      (member) => member.writesRowsOnly && !work.some((one) => one.member === member),
    );
    for (const { member, error } of await this.applyBatch(work, { through: last.position, idle })) {
      const following = this.members.get(member);
      this.members.delete(member);
      following?.reject(error);
    }
  }

  /**
   * The read models' events in one transaction, recorded as read through the batch with the read
   * models that had none (`idle`); each relay's in a transaction of its own, at the same time.
   * Returns the members that failed.
   */
  private async applyBatch(
    work: readonly MemberBatch[],
    readThrough: { through: GlobalPosition; idle: readonly LogReaderMember[] } | undefined,
  ): Promise<MemberFailure[]> {
    const alone = work.filter(({ member }) => !member.writesRowsOnly);
    const readModels = work.filter(({ member }) => member.writesRowsOnly);
    const outcomes = await Promise.all([
      this.applyTogether(readModels, readThrough),
      ...alone.map((one) => this.applyTogether([one])),
    ]);
    return outcomes.flat();
  }

  /**
   * One transaction for every member's events, their checkpoints moved in one statement at its end.
   * A live batch is mostly round trips, so it first runs with nothing else; only when a member fails
   * does the batch run again with each member behind a savepoint, so that the failing one (its rows
   * rolled back) does not fail the others. A member whose checkpoint another worker moved fails alone
   * and the rest run again. With `readThrough`, the read models that applied their events, and those
   * that had none (`idle`), are recorded as read through the batch in the same statement. Returns the
   * members that failed.
   */
  private async applyTogether(
    work: readonly MemberBatch[],
    readThrough?: { through: GlobalPosition; idle: readonly LogReaderMember[] },
  ): Promise<MemberFailure[]> {
    if (work.length === 0) {
      if (readThrough) await this.markIdle(readThrough.through, readThrough.idle);
      return [];
    }
    const failed: MemberFailure[] = [];
    let pending = [...work];
    let isolated = false;
    for (;;) {
      try {
        failed.push(...(await this.commitTogether(pending, readThrough, isolated)));
        break;
      } catch (error) {
        if (error instanceof MemberFailed && pending.length === 1) {
          // Alone in its transaction (a relay), a savepoint would isolate nothing: the batch failed.
          return [...failed, { member: pending[0].member, error: error.reason }];
        } else if (error instanceof MemberFailed && !isolated) {
          isolated = true;
        } else if (error instanceof CheckpointsMoved) {
          const moved = pending.filter(({ member }) => error.names.includes(member.name));
          failed.push(
            ...moved.map(({ member }) => ({ member, error: new CheckpointMovedError(member.name) })),
          );
          pending = pending.filter((one) => !moved.includes(one));
          if (pending.length === 0) return failed;
        } else {
          // The transaction itself failed (the connection lost, the commit refused): nothing applied.
          return [...failed, ...pending.map(({ member }) => ({ member, error }))];
        }
      }
    }
    if (readThrough) this.options.onReadThrough?.();
    for (const { member, events } of pending) {
      if (!failed.some((failure) => failure.member === member)) member.committed(events);
    }
    return failed;
  }

  /** One try of `applyTogether`: returns the members that failed behind their savepoint. */
  private commitTogether(
    work: readonly MemberBatch[],
    readThrough: { through: GlobalPosition; idle: readonly LogReaderMember[] } | undefined,
    isolated: boolean,
  ): Promise<MemberFailure[]> {
    return this.db.transaction(async (tx) => {
      const failed: MemberFailure[] = [];
      for (const { member, events } of work) {
        // None is released: ROLLBACK TO finds the newest of its name, and the commit releases them all.
        if (isolated) await tx.query('SAVEPOINT projection');
        try {
          await member.applyIn(events, tx);
        } catch (error) {
          if (!isolated) throw new MemberFailed(error);
          await tx.query('ROLLBACK TO SAVEPOINT projection');
          failed.push({ member, error });
        }
      }
      const moved = await advanceCheckpoints(
        tx,
        work
          .filter(({ member }) => !failed.some((failure) => failure.member === member))
          .map(({ member, events }) => ({
            name: member.name,
            expected: member.position,
            next: events[events.length - 1].position,
            eventCount: events.length,
            lastEventRecordedAt: events[events.length - 1].recordedAt,
          })),
        readThrough,
      );
      if (moved.length > 0) throw new CheckpointsMoved(moved);
      return failed;
    });
  }
}

interface MemberFailure {
  member: LogReaderMember;
  error: unknown;
}

/** A member's batch failed in a try without savepoints: the transaction is lost, so try again with them. */
class MemberFailed extends Error {
  constructor(readonly reason: unknown) {
    super('a member of the batch failed');
  }
}

/** These members' checkpoints were moved by another worker or a rebuild: their rows must not commit. */
class CheckpointsMoved extends Error {
  constructor(readonly names: readonly string[]) {
    super(`checkpoints moved: ${names.join(', ')}`);
  }
}

/** Events of `batch` that `member` matches and has not applied yet. */
function eventsFor(member: LogReaderMember, batch: readonly RecordedEvent[]): RecordedEvent[] {
  return batch.filter(
    (event) =>
      event.position > member.position && matchesEventFilter(member.filter, event.streamName, event.type),
  );
}

function lowest(positions: readonly GlobalPosition[]): GlobalPosition {
  return positions.reduce((low, position) => (position < low ? position : low));
}

function sameMembers(a: readonly LogReaderMember[], b: readonly LogReaderMember[]): boolean {
  return a.length === b.length && a.every((member) => b.includes(member));
}

/**
 * What a reader must read for its members: for relays alone, only what one of their filters may match
 * (a superset: prefixes and types are each pooled), so appends none of them wants wake no read. Read
 * models record how far they have read every event (`read_through`), so their reader reads them all.
 */
function filterFor(members: readonly LogReaderMember[]): EventFilter | undefined {
  if (members.length === 0 || members.some((member) => member.writesRowsOnly)) return undefined;
  return unionOf(members.map((member) => member.filter));
}

/**
 * A filter matching every event one of `filters` matches (a superset: prefixes and types are each
 * pooled); undefined, for everything, as soon as one of them leaves prefixes or types open.
 */
function unionOf(filters: readonly EventFilter[]): EventFilter | undefined {
  const pooled = (lists: (readonly string[] | undefined)[]) =>
    lists.every((list) => list !== undefined && list.length > 0)
      ? [...new Set(lists.flatMap((list) => list ?? []))]
      : undefined;
  const union = {
    streamPrefixes: pooled(filters.map((filter) => filter.streamPrefixes)),
    eventTypes: pooled(filters.map((filter) => filter.eventTypes)),
  };
  return union.streamPrefixes || union.eventTypes ? union : undefined;
}

/** Whether every event `inner` matches is read under `outer`. */
function covers(outer: EventFilter | undefined, inner: EventFilter): boolean {
  if (!outer) return true;
  const within = (
    outerList: readonly string[] | undefined,
    innerList: readonly string[] | undefined,
    match: (o: string, i: string) => boolean,
  ) =>
    !outerList ||
    outerList.length === 0 ||
    (innerList !== undefined &&
      innerList.length > 0 &&
      innerList.every((i) => outerList.some((o) => match(o, i))));
  return (
    within(outer.streamPrefixes, inner.streamPrefixes, (o, i) => i.startsWith(o)) &&
    within(outer.eventTypes, inner.eventTypes, (o, i) => o === i)
  );
}
