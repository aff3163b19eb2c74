import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { EVENT_STORE, START, type EventStore, type RecordedEvent } from '@ops/infra/event-store/event-store';
import { PROJECTIONS, type Projection } from '@ops/infra/projections/projection';
import { ProjectionProgress } from '@ops/infra/projections/projection-progress';
import { DataSource } from 'typeorm';
import { readCheckpoint, resetCheckpoint } from './checkpoint-store';
import { clearDeadLetters, deadLetterCounts } from './dead-letters';
import { LogReader } from './log-reader';
import { PendingEvents } from './pending-events';
import { projectionLockHolders } from './projection-locks';
import type { ProjectionStatus, ProjectorStatusSource } from '@ops/infra/projections/projector-status';
import { ProjectionWorker } from './projection-worker';

export const PROJECTOR_OPTIONS = Symbol('PROJECTOR_OPTIONS');
/** Provided (true) by a process that starts projections itself, if at all, never on bootstrap: the CLI. */
export const PROJECTOR_MANUAL_START = Symbol('PROJECTOR_MANUAL_START');

export interface ProjectorOptions {
  batchSize: number;
  /** false: nothing runs until `start` is called (a CLI that only reads, or replays one projection). */
  startOnBootstrap?: boolean;
  standbyRetryMs?: number;
  retryDelayMs?: number;
  /**
   * How often the checkpoints of the projections running here are compared with the stored ones, to
   * follow a rebuild started by another process (one made here is followed at once). Default 5 s:
   * each look is a transaction, and an idle node should commit next to none.
   */
  checkpointWatchMs?: number;
}

type BatchListener = (projection: string, events: readonly RecordedEvent[], committedAt: Date) => void;

/**
 * Runs every registered projection, the read models from one log reader and the relays from another,
 * reports how far behind each one is, and rebuilds one on demand.
 */
@Injectable()
export class ProjectorService
  implements ProjectorStatusSource, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(ProjectorService.name);
  private readonly workers: ProjectionWorker[];
  private readonly listeners = new Set<BatchListener>();
  private readonly startOnBootstrap: boolean;
  private readonly checkpointWatchMs: number;
  private checkpointWatch?: NodeJS.Timeout;
  private readonly pending: PendingEvents;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly db: DataSource,
    @Inject(PROJECTIONS) projections: Projection[],
    @Inject(PROJECTOR_OPTIONS) options: ProjectorOptions,
    @Optional() progress?: ProjectionProgress,
  ) {
    this.pending = new PendingEvents(store);
    this.startOnBootstrap = options.startOnBootstrap ?? true;
    this.checkpointWatchMs = options.checkpointWatchMs ?? 5_000;
    const retryDelayMs = options.retryDelayMs ?? 1_000;
    // Relays wait on the outside world (a host agent applying a command), and a reader's next batch
    // waits for every member: read models follow a reader of their own, so that commands waiting for
    // them (read your writes) never wait for a host agent.
    const readers = {
      readModels: new LogReader(store, db, {
        batchSize: options.batchSize,
        retryDelayMs,
        onReadThrough: () => progress?.advanced(),
      }),
      relays: new LogReader(store, db, { batchSize: options.batchSize, retryDelayMs }),
    };
    this.workers = projections.map(
      (projection) =>
        new ProjectionWorker(projection, projection.tables ? readers.readModels : readers.relays, db, {
          standbyRetryMs: options.standbyRetryMs ?? 2_000,
          retryDelayMs,
          onBatchCommitted: (name, events, committedAt) =>
            this.listeners.forEach((listener) => listener(name, events, committedAt)),
        }),
    );
  }

  onApplicationBootstrap(): void {
    if (this.startOnBootstrap) this.start();
  }

  /** Starts the named projections (all by default); each applies once it holds its lock. */
  start(names: readonly string[] = this.projectionNames()): void {
    const workers = names.map((name) => this.workerNamed(name));
    this.logger.log(`starting projections: ${names.join(', ')}`);
    workers.forEach((worker) => worker.start());
    this.checkpointWatch ??= setInterval(() => void this.followMovedCheckpoints(), this.checkpointWatchMs);
    this.checkpointWatch.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.checkpointWatch);
    await Promise.all(this.workers.map((worker) => worker.stop()));
  }

  /** One query for all the projections running here, however many they are. */
  private async followMovedCheckpoints(): Promise<void> {
    const running = this.workers.filter((worker) => worker.state === 'running');
    if (running.length === 0) return;
    const rows: { name: string; position: string }[] = await this.db
      .query('SELECT name, position FROM projection_checkpoints WHERE name = ANY($1)', [
        running.map((worker) => worker.projection.name),
      ])
      .catch(() => []);
    const stored = new Map(rows.map((row) => [row.name, row.position]));
    await Promise.all(
      running.map((worker) => worker.followStoredCheckpoint(stored.get(worker.projection.name) ?? START)),
    );
  }

  /** Lets metrics and benchmarks observe each committed batch; returns the unsubscribe function. */
  onBatchCommitted(listener: BatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  projectionNames(): string[] {
    return this.workers.map((worker) => worker.projection.name);
  }

  async status(): Promise<ProjectionStatus[]> {
    const head = await this.store.headPosition();
    const deadLetters = await deadLetterCounts(this.db, this.projectionNames());
    return Promise.all(
      this.workers.map(async (worker) => {
        // A standby worker's own position is stale: the process that owns the projection moves it.
        const position =
          worker.state === 'running'
            ? worker.position
            : await readCheckpoint(this.db, worker.projection.name);
        const next = await this.pending.next(
          worker.projection.name,
          worker.projection.filter,
          position,
          head,
        );
        return {
          name: worker.projection.name,
          state: worker.state,
          position,
          // 0 only when caught up: a pending event is lag however young, and its time is the log's
          // clock, which may run ahead of ours and make it look younger than nothing.
          lag_ms: next ? Math.max(1, Date.now() - next.recordedAt.getTime()) : 0,
          dead_letters: deadLetters.get(worker.projection.name) ?? 0,
          ...(worker.lastError ? { last_error: worker.lastError } : {}),
        };
      }),
    );
  }

  /** Which process's session holds each projection's lock now (named by `sessionName`); unheld ones are absent. */
  lockHolders(): Promise<Map<string, string>> {
    return projectionLockHolders(this.db, this.projectionNames());
  }

  /**
   * Empties a projection, puts its checkpoint back at the start and forgets the events it gave up on,
   * in one transaction. The worker that owns it (here or in another process) finds its checkpoint
   * moved, and replays from zero.
   */
  async reset(name: string): Promise<void> {
    const worker = this.workerNamed(name);
    await this.db.transaction(async (tx) => {
      await worker.projection.reset(tx);
      await resetCheckpoint(tx, name);
      await clearDeadLetters(tx, name);
    });
    await worker.followStoredCheckpoint(START);
  }

  /** Resolves once the named projection has applied everything up to the log's head as of now. */
  async waitUntilCaughtUp(
    name: string,
    onProgress?: (processed: number) => void,
    pollMs = 250,
  ): Promise<void> {
    const worker = this.workerNamed(name);
    for (;;) {
      const head = await this.store.headPosition();
      const checkpoint = await readCheckpoint(this.db, name);
      if (!(await this.pending.next(name, worker.projection.filter, checkpoint, head))) return;
      // Each look competes with the replay it waits for: nothing is read that nobody reports.
      if (onProgress) {
        const rows: { events_processed: string }[] = await this.db.query(
          'SELECT events_processed FROM projection_checkpoints WHERE name = $1',
          [name],
        );
        onProgress(Number(rows[0]?.events_processed ?? 0));
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  private workerNamed(name: string): ProjectionWorker {
    const worker = this.workers.find((candidate) => candidate.projection.name === name);
    if (!worker) throw new Error(`no projection named ${name}; known: ${this.projectionNames().join(', ')}`);
    return worker;
  }
}
