import { DatabaseError } from 'pg';
import type { AppendResult } from '../event-store';
import { WrongExpectedRevisionError } from '../event-store';
import type { AppendOutcome, AppendRequest } from './append-batch';
import { executeAppendBatch } from './append-batch';
import type { Queryable } from './event-rows';
import { findPreviousAppend } from './previous-append';

const UNIQUE_VIOLATION = '23505';
/** Raised by `append_events_atomically` when a stream of a multi-stream append has moved. */
const ATOMIC_CONFLICT = 'OC409';

export interface AppendDispatcherOptions {
  /** Transactions appending at once; more callers than this wait and join the next batch. */
  maxConcurrentBatches: number;
  /** Upper bound on the events of one batch (a single larger append still goes alone). */
  maxBatchEvents: number;
  /** Called after a batch committed at least one append, with those that it committed. */
  onAppended: (committed: readonly AppendRequest[]) => void;
}

/** What one caller handed in: one stream's append, or several that are stored together or not at all. */
interface Pending {
  requests: readonly AppendRequest[];
  resolve: (results: AppendResult[]) => void;
  reject: (error: unknown) => void;
}

function eventsOf(pending: Pending): number {
  return pending.requests.reduce((sum, request) => sum + request.events.length, 0);
}

/**
 * Group commit: appends that arrive while the transactions in flight are busy are sent together, as
 * one `append_events` call and one commit. Alone, an append goes straight out; under load, many
 * appends share one WAL flush, which is what bounds a commit-per-append design. Each append keeps
 * its own outcome: a wrong expected revision fails only that append, and anything that makes the
 * server refuse the whole batch (a reused event id, a conflict within a multi-stream append) is
 * retried append by append.
 */
export class AppendDispatcher {
  private readonly queue: Pending[] = [];
  private running = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly db: Queryable,
    private readonly options: AppendDispatcherOptions,
  ) {}

  async append(request: AppendRequest): Promise<AppendResult> {
    const [result] = await this.appendTogether([request]);
    return result;
  }

  /** Every request stored, in one transaction, or none. */
  appendTogether(requests: readonly AppendRequest[]): Promise<AppendResult[]> {
    const atomic = requests.length > 1;
    return new Promise<AppendResult[]>((resolve, reject) => {
      this.queue.push({ requests: requests.map((request) => ({ ...request, atomic })), resolve, reject });
      this.pump();
    });
  }

  /** Resolves once every append handed in so far has settled. */
  async drain(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < this.options.maxConcurrentBatches && this.queue.length > 0) {
      const batch = this.takeBatch();
      this.running += 1;
      void this.run(batch).finally(() => {
        this.running -= 1;
        this.pump();
        if (this.running === 0 && this.queue.length === 0) this.notifyIdle();
      });
    }
  }

  private takeBatch(): Pending[] {
    const batch = this.queue.splice(0, 1);
    let events = eventsOf(batch[0]);
    while (this.queue.length > 0 && events + eventsOf(this.queue[0]) <= this.options.maxBatchEvents) {
      events += eventsOf(this.queue[0]);
      batch.push(...this.queue.splice(0, 1));
    }
    return batch;
  }

  private async run(batch: Pending[]): Promise<void> {
    let outcomes: AppendOutcome[];
    try {
      outcomes = await executeAppendBatch(
        this.db,
        batch.flatMap((pending) => pending.requests),
      );
    } catch (error) {
      await this.recover(batch, error);
      return;
    }
    const requests = batch.flatMap((pending) => pending.requests);
    const committed = requests.filter((_, index) => outcomes[index].kind === 'appended');
    if (committed.length > 0) this.options.onAppended(committed);
    let next = 0;
    await Promise.all(
      batch.map((pending) => {
        const own = outcomes.slice(next, next + pending.requests.length);
        next += pending.requests.length;
        return this.settle(pending, own);
      }),
    );
  }

  private async recover(batch: Pending[], error: unknown): Promise<void> {
    if (!(error instanceof DatabaseError)) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    if (batch.length > 1) {
      // The server refused the whole transaction because of one append: find it by going alone.
      await Promise.all(batch.map((pending) => this.run([pending])));
      return;
    }
    const [pending] = batch;
    if (error.code === UNIQUE_VIOLATION) {
      // A reused event id: the row that holds it is committed now, so we can tell a retry apart.
      await this.settleFromPreviousAppend(pending, error);
    } else if (error.code === ATOMIC_CONFLICT) {
      await this.settleFromPreviousAppend(pending, atomicConflict(pending, error));
    } else {
      pending.reject(error);
    }
  }

  /** Only a single stream's append can end in a conflict outcome: a multi-stream one raises instead. */
  private async settle(pending: Pending, outcomes: AppendOutcome[]): Promise<void> {
    const results: AppendResult[] = [];
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.kind === 'conflict') {
        const { streamName, expected } = pending.requests[index];
        // A retried append whose first attempt committed meets a moved stream: that is not a conflict.
        await this.settleFromPreviousAppend(
          pending,
          new WrongExpectedRevisionError(streamName, expected, outcome.actual),
        );
        return;
      }
      results.push(outcome.result);
    }
    pending.resolve(results);
  }

  /** Stored before, every part of it exactly so (a retry whose first attempt committed), or `failure`. */
  private async settleFromPreviousAppend(pending: Pending, failure: Error): Promise<void> {
    try {
      const previous = await Promise.all(
        pending.requests.map((request) => findPreviousAppend(this.db, request)),
      );
      if (previous.every((result): result is AppendResult => result !== null)) pending.resolve(previous);
      else pending.reject(failure);
    } catch (error) {
      pending.reject(error);
    }
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** The conflict `append_events_atomically` reported, as the port's error for the first stream named. */
function atomicConflict(pending: Pending, error: DatabaseError): Error {
  const conflicts = JSON.parse(error.detail ?? '[]') as Array<{ ordinal: number; actual: number | string }>;
  const first = conflicts[0];
  const request = first ? pending.requests[first.ordinal - 1] : undefined;
  if (!first || !request) return error;
  return new WrongExpectedRevisionError(request.streamName, request.expected, BigInt(first.actual));
}
