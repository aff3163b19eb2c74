import { DatabaseError } from 'pg';
import type { AppendResult } from '../event-store';
import { WrongExpectedRevisionError } from '../event-store';
import type { AppendOutcome, AppendRequest } from './append-batch';
import { executeAppendBatch } from './append-batch';
import type { Queryable } from './event-rows';
import { findPreviousAppend } from './previous-append';

const UNIQUE_VIOLATION = '23505';

export interface AppendDispatcherOptions {
  /** Transactions appending at once; more callers than this wait and join the next batch. */
  maxConcurrentBatches: number;
  /** Upper bound on the events of one batch (a single larger append still goes alone). */
  maxBatchEvents: number;
  /** Called after a batch committed at least one append. */
  onAppended: () => void;
}

interface Pending {
  request: AppendRequest;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: appends that arrive while the transactions in flight are busy are sent together, as
 * one `append_events` call and one commit. Alone, an append goes straight out; under load, many
 * appends share one WAL flush, which is what bounds a commit-per-append design. Each append keeps
 * its own outcome: a wrong expected revision fails only that append, and anything that makes the
 * server refuse the whole batch (a reused event id, say) is retried append by append.
 */
export class AppendDispatcher {
  private readonly queue: Pending[] = [];
  private running = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly db: Queryable,
    private readonly options: AppendDispatcherOptions,
  ) {}

  append(request: AppendRequest): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
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
    let events = batch[0].request.events.length;
    while (
      this.queue.length > 0 &&
      events + this.queue[0].request.events.length <= this.options.maxBatchEvents
    ) {
      events += this.queue[0].request.events.length;
      batch.push(...this.queue.splice(0, 1));
    }
    return batch;
  }

  private async run(batch: Pending[]): Promise<void> {
    let outcomes: AppendOutcome[];
    try {
      outcomes = await executeAppendBatch(
        this.db,
        batch.map((pending) => pending.request),
      );
    } catch (error) {
      await this.recover(batch, error);
      return;
    }
    if (outcomes.some((outcome) => outcome.kind === 'appended')) this.options.onAppended();
    await Promise.all(batch.map((pending, index) => this.settle(pending, outcomes[index])));
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
    } else {
      pending.reject(error);
    }
  }

  private async settle(pending: Pending, outcome: AppendOutcome): Promise<void> {
    if (outcome.kind === 'appended') {
      pending.resolve(outcome.result);
      return;
    }
    const { streamName, expected } = pending.request;
    // A retried append whose first attempt committed meets a moved stream: that is not a conflict.
    await this.settleFromPreviousAppend(
      pending,
      new WrongExpectedRevisionError(streamName, expected, outcome.actual),
    );
  }

  private async settleFromPreviousAppend(pending: Pending, failure: Error): Promise<void> {
    try {
      const previous = await findPreviousAppend(this.db, pending.request);
      if (previous) pending.resolve(previous);
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
