import { Logger } from '@nestjs/common';
import type {
  EventStore,
  GlobalPosition,
  RecordedEvent,
  Subscription,
} from '@ops/infra/event-store/event-store';
import type { Projection } from '@ops/infra/projections/projection';
import type { ProjectionState } from '@ops/infra/projections/projector-status';
import type { DataSource, QueryRunner } from 'typeorm';
import { advanceCheckpoint, readCheckpoint } from './checkpoint-store';
import { projectionLockKey } from './projection-locks';

export interface WorkerOptions {
  batchSize: number;
  /** How often a standby worker tries to take over the projection's lock. */
  standbyRetryMs: number;
  /** Pause before resubscribing after a failed batch. */
  retryDelayMs: number;
  /** How often an idle worker checks that nobody reset its checkpoint. */
  checkpointWatchMs: number;
  /** Told after every committed batch; metrics and benchmarks listen here. */
  onBatchCommitted?: (projection: string, events: readonly RecordedEvent[], committedAt: Date) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs one projection: holds its advisory lock (so one process at a time applies it), subscribes from
 * the stored checkpoint, and applies each batch in a transaction that also advances the checkpoint.
 * Any failure rolls the batch back and resubscribes from what was committed.
 */
export class ProjectionWorker {
  private readonly logger: Logger;
  private lockHolder?: QueryRunner;
  private subscription?: Subscription;
  private stopping = false;
  private applying = false;
  private loop?: Promise<void>;
  state: ProjectionState = 'starting';
  position: GlobalPosition = '';
  lastError?: string;

  constructor(
    readonly projection: Projection,
    private readonly store: EventStore,
    private readonly db: DataSource,
    private readonly options: WorkerOptions,
  ) {
    this.logger = new Logger(`Projection:${projection.name}`);
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.subscription?.stop();
    await this.loop;
    this.state = 'stopped';
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.acquireLock();
        while (!this.stopping) {
          await this.followLog();
          if (!this.stopping) await sleep(this.options.retryDelayMs);
        }
      } catch (error) {
        // The lock's own connection failed (the database restarting): start over, lock first.
        this.state = 'retrying';
        this.lastError = error instanceof Error ? error.message : String(error);
        this.logger.warn(`could not hold the projection's lock, retrying: ${this.lastError}`);
        await sleep(this.options.retryDelayMs);
      } finally {
        await this.releaseLock();
      }
    }
  }

  private async acquireLock(): Promise<void> {
    this.lockHolder = this.db.createQueryRunner();
    await this.lockHolder.connect();
    while (!this.stopping) {
      const [{ locked }] = await this.lockHolder.query(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
        [this.lockKey()],
      );
      if (locked) return;
      this.state = 'standby';
      await sleep(this.options.standbyRetryMs);
    }
  }

  private async releaseLock(): Promise<void> {
    const holder = this.lockHolder;
    if (!holder) return;
    this.lockHolder = undefined;
    // The connection goes back to a pool, so the session (and a lock it holds) outlives us: unlock.
    await holder.query('SELECT pg_advisory_unlock(hashtext($1))', [this.lockKey()]).catch(() => undefined);
    await holder.release().catch(() => undefined);
  }

  private lockKey(): string {
    return projectionLockKey(this.projection.name);
  }

  private async followLog(): Promise<void> {
    const watch = setInterval(() => void this.resubscribeIfCheckpointMoved(), this.options.checkpointWatchMs);
    try {
      this.position = await readCheckpoint(this.db, this.projection.name);
      this.state = 'running';
      this.subscription = this.store.subscribeAll(
        { from: this.position, filter: this.projection.filter, maxBatchSize: this.options.batchSize },
        (events) => this.applyBatch(events),
      );
      await this.subscription.done;
    } catch (error) {
      if (this.stopping) return;
      this.state = 'retrying';
      this.lastError = error instanceof Error ? error.message : String(error);
      this.logger.warn(`batch failed, resuming from the last checkpoint: ${this.lastError}`);
    } finally {
      clearInterval(watch);
      this.subscription = undefined;
    }
  }

  /**
   * A rebuild (from any process) resets the stored checkpoint. A busy worker notices at its next
   * commit; an idle one would not until the next event, so it looks now and then.
   */
  private async resubscribeIfCheckpointMoved(): Promise<void> {
    if (this.applying || !this.subscription) return;
    const stored = await readCheckpoint(this.db, this.projection.name).catch(() => this.position);
    if (stored !== this.position && !this.applying) {
      this.logger.log('checkpoint moved by another process (a rebuild); following it');
      await this.subscription?.stop();
    }
  }

  private async applyBatch(events: RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const last = events[events.length - 1];
    this.applying = true;
    try {
      await this.commitBatch(events, last);
      this.position = last.position;
    } finally {
      this.applying = false;
    }
    this.lastError = undefined;
    this.options.onBatchCommitted?.(this.projection.name, events, new Date());
  }

  private async commitBatch(events: RecordedEvent[], last: RecordedEvent): Promise<void> {
    await this.db.transaction(async (tx) => {
      // Rows and checkpoint commit together, so a crash that loses the last commits loses them
      // whole and the batch is simply applied again: the flush to disk need not be awaited.
      await tx.query('SET LOCAL synchronous_commit = off');
      await this.projection.apply(events, tx);
      await advanceCheckpoint(
        tx,
        this.projection.name,
        this.position,
        last.position,
        events.length,
        last.recordedAt,
      );
    });
  }
}
