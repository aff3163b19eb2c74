import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore, type GlobalPosition } from '../event-store/event-store';
import { ProjectionProgress } from './projection-progress';
import { ProjectionsConfig } from './projections-config';

/**
 * Between checks: woken at once by an in-process projector's commit; polling (soon, then less often)
 * covers a projector in another process.
 */
const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 50;

/**
 * Read models lag the log by design. A caller that reads its own write next (or another client's,
 * given its position) waits here, bounded by READ_YOUR_WRITES_TIMEOUT_MS, until the read models that
 * serve that read have applied the position. A projection has applied it once its checkpoint (the last
 * event it matched) or the position the projector has read the log through for it is at or past it.
 * Both live in the read-model database, so this holds whichever process runs the projector.
 */
@Injectable()
export class ReadModelFreshness {
  constructor(
    private readonly db: DataSource,
    private readonly config: ProjectionsConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly progress: ProjectionProgress,
  ) {}

  /** True once every named projection has applied `position`; false when the bound ran out first. */
  async waitFor(position: GlobalPosition, projections: readonly string[]): Promise<boolean> {
    if (projections.length === 0) return true;
    const deadline = Date.now() + this.config.READ_YOUR_WRITES_TIMEOUT_MS;
    for (let pause = FIRST_POLL_MS; ; pause = Math.min(pause * 2, MAX_POLL_MS)) {
      if (await this.applied(position, projections)) return true;
      if (Date.now() + pause > deadline) return false;
      await this.progress.next(pause);
    }
  }

  /** Waits until the projections have applied everything the log holds now. */
  async waitForHead(projections: readonly string[]): Promise<boolean> {
    return this.waitFor(await this.store.headPosition(), projections);
  }

  /** The newest position of the log: what an answer that appended nothing has seen at most. */
  head(): Promise<GlobalPosition> {
    return this.store.headPosition();
  }

  private async applied(position: GlobalPosition, projections: readonly string[]): Promise<boolean> {
    // Positions are fixed-width strings whose order is the log's order.
    const rows: { count: string }[] = await this.db.query(
      `SELECT count(*) AS count FROM projection_checkpoints
        WHERE name = ANY($1) AND greatest(position, read_through) >= $2`,
      [projections, position],
    );
    return Number(rows[0].count) === projections.length;
  }
}
