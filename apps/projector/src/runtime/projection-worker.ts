import { Logger } from '@nestjs/common';
import type { GlobalPosition, RecordedEvent } from '@ops/infra/event-store/event-store';
import type { Projection } from '@ops/infra/projections/projection';
import type { ProjectionState } from '@ops/infra/projections/projector-status';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { readCheckpoint } from './checkpoint-store';
import { isTransientFailure, POISON_STRIKES, recordDeadLetter } from './dead-letters';
import type { LogReader, LogReaderMember } from './log-reader';
import { projectionLockKey } from './projection-locks';

export interface WorkerOptions {
  /** How often a standby worker tries to take over the projection's lock. */
  standbyRetryMs: number;
  /** Pause before following the log again after a failed batch. */
  retryDelayMs: number;
  /** Told after every committed batch; metrics and benchmarks listen here. */
  onBatchCommitted?: (projection: string, events: readonly RecordedEvent[], committedAt: Date) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs one projection: holds its advisory lock (so one process at a time applies it), follows the
 * process's log reader from the stored checkpoint, and applies each batch in the reader's transaction
 * with the checkpoint. Any failure rolls the batch back and follows again from what was committed.
 * A read model never stops for good on one event: after a failed batch it applies events one at a
 * time, and an event that fails alone POISON_STRIKES times in a row (for a reason other than the
 * database's health) is recorded in `projection_dead_letters` and passed.
 */
export class ProjectionWorker implements LogReaderMember {
  private readonly logger: Logger;
  private lockHolder?: QueryRunner;
  private following = false;
  private stopping = false;
  private loop?: Promise<void>;
  state: ProjectionState = 'starting';
  position: GlobalPosition = '';
  lastError?: string;
  /** Set by a failed batch of a read model: events go one at a time until a batch commits. */
  private isolating = false;
  /** How often in a row the event at `position`, applied alone, has failed. */
  private strikes?: { position: GlobalPosition; count: number };

  constructor(
    readonly projection: Projection,
    private readonly reader: LogReader,
    private readonly db: DataSource,
    private readonly options: WorkerOptions,
  ) {
    this.logger = new Logger(`Projection:${projection.name}`);
  }

  get name(): string {
    return this.projection.name;
  }

  get filter(): Projection['filter'] {
    return this.projection.filter;
  }

  /** A projection that declares its tables is a read model; one without is a relay. */
  get writesRowsOnly(): boolean {
    return this.projection.tables !== undefined;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.reader.leave(this);
    await this.loop;
    this.state = 'stopped';
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.acquireLock();
        while (!this.stopping) await this.followLog();
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
    try {
      this.position = await readCheckpoint(this.db, this.projection.name);
      // Stopped while reading: the reader has not met this worker yet, so its `leave` could not end a
      // follow that starts now, and `stop` would wait for it forever.
      if (this.stopping) return;
      this.state = 'running';
      this.following = true;
      await this.reader.follow(this);
    } catch (error) {
      if (this.stopping) return;
      this.state = 'retrying';
      this.lastError = error instanceof Error ? error.message : String(error);
      this.logger.warn(`batch failed, resuming from the last checkpoint: ${this.lastError}`);
      await sleep(this.options.retryDelayMs);
    } finally {
      this.following = false;
    }
  }

  /**
   * A rebuild (from any process) resets the stored checkpoint. A busy worker notices at its next
   * commit; an idle one when told that the stored checkpoint is not its own: it follows again from
   * the stored one.
   */
  async followStoredCheckpoint(stored: GlobalPosition): Promise<void> {
    // A batch committing meanwhile makes this look moved too: following again from the stored
    // checkpoint is then merely needless, never wrong.
    if (!this.following || stored === this.position) return;
    this.logger.log('checkpoint moved (a rebuild); following it');
    await this.reader.leave(this);
  }

  /**
   * Called by the log reader, inside its transaction, with this projection's events after `position`;
   * the reader moves the checkpoint (compared with `position`) in the same transaction.
   */
  async applyIn(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    if (this.isolating) return this.applyOneByOne(events, tx);
    try {
      await this.projection.apply(events, tx);
    } catch (error) {
      this.isolating = this.writesRowsOnly;
      throw error;
    }
  }

  /** Each event behind its own savepoint: the one that fails is named, and passed once it is poison. */
  private async applyOneByOne(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const event of events) {
      await tx.query('SAVEPOINT projection_event');
      try {
        await this.projection.apply([event], tx);
        await tx.query('RELEASE SAVEPOINT projection_event');
      } catch (error) {
        await tx.query('ROLLBACK TO SAVEPOINT projection_event');
        if (isTransientFailure(error)) throw error;
        const attempts = this.strikes?.position === event.position ? this.strikes.count + 1 : 1;
        this.strikes = { position: event.position, count: attempts };
        if (attempts < POISON_STRIKES) throw error;
        await recordDeadLetter(tx, this.projection.name, event, error, attempts);
        this.logger.error(
          `gave up on event ${event.id} (${event.streamName}@${event.revision}, ${event.type}) after ${attempts} attempts: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }

  committed(events: readonly RecordedEvent[]): void {
    this.position = events[events.length - 1].position;
    this.isolating = false;
    this.strikes = undefined;
    this.lastError = undefined;
    this.options.onBatchCommitted?.(this.projection.name, events, new Date());
  }
}
