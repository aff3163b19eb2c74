import { START, type EventStore, type GlobalPosition } from '@ops/infra/event-store/event-store';
import type { Projection } from '@ops/infra/projections/projection';
import { databaseOptions } from '@ops/infra/database/data-source';
import { DataSource, type QueryRunner } from 'typeorm';
import { readCheckpoint } from './checkpoint-store';
import {
  differingRows,
  KeyedRows,
  quoteIdentifier,
  tableChecksum,
  tableShape,
  type DifferingRow,
  type TableChecksum,
  type TableShape,
} from './rebuild-comparison-tables';

export interface TableComparison {
  table: string;
  live: TableChecksum;
  rebuilt: TableChecksum;
  equal: boolean;
  /** Columns the projection declares unreproducible, left out of the comparison. */
  notCompared: readonly string[];
  /** A few of the rows that differ, when the table does. */
  differing: DifferingRow[];
}

export interface ComparisonReport {
  projection: string;
  /** The log position both sides were compared at: the live projection's checkpoint. */
  position: GlobalPosition;
  eventsReplayed: number;
  tables: TableComparison[];
  equal: boolean;
}

export interface RebuildProgress {
  projection: string;
  eventsReplayed: number;
  position: GlobalPosition;
  /** The live projection's checkpoint the replay is heading for. */
  target: GlobalPosition;
}

export interface RebuildComparisonOptions {
  batchSize: number;
  onProgress?: (progress: RebuildProgress) => void;
  /** Differing rows named per table (default 5). */
  differingRowsShown?: number;
}

/** The live projection was reset (a rebuild) while it was being verified: nothing to compare against. */
export class LiveProjectionRestartedError extends Error {
  constructor(projection: string) {
    super(`${projection} was reset while it was being verified; verify it again once it has caught up`);
    this.name = 'LiveProjectionRestartedError';
  }
}

/** A small pool for one comparison, apart from the one the projector's workers hold. */
export function openComparisonDatabase(url: string): Promise<DataSource> {
  return new DataSource(databaseOptions(url, { poolSize: 3 })).initialize();
}

/** Replay rounds before pinning the comparison point; each round shortens the gap to the moving live. */
const CHASE_ROUNDS = 5;

/**
 * Proves a projection reproducible: replays it from the first event into empty copies of its tables
 * in a scratch schema (`rebuild_<name>`), while the live projection keeps running, and compares the
 * copies with the live tables at one log position, table by table.
 *
 * Exactness: the live rows and the live checkpoint commit together, so one snapshot of both is the
 * live projection at exactly that checkpoint. The comparison pins such a snapshot in a read-only
 * transaction and replays the copy to that same checkpoint. The replay chases the live checkpoint
 * and never passes it, since events beyond it would have no live counterpart yet. Replay batches
 * commit in short transactions of their own: a transaction that writes holds a transaction id, and
 * one held open would stall every subscriber of the log (they read below the oldest running one).
 *
 * Give it a DataSource of its own (`openComparisonDatabase`): it holds up to three connections at
 * once, and a projector's workers keep one of their pool's connections each for their locks.
 */
export class RebuildComparison {
  constructor(
    private readonly store: EventStore,
    private readonly db: DataSource,
    private readonly options: RebuildComparisonOptions,
  ) {}

  async verify(projection: Projection): Promise<ComparisonReport> {
    const tables = projection.tables ?? [];
    if (tables.length === 0) throw new Error(`${projection.name} declares no tables to compare`);
    const runner = this.db.createQueryRunner();
    await runner.connect();
    const lockKey = `projection-verify:${projection.name}`;
    try {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
        lockKey,
      ]);
      if (!locked) throw new Error(`${projection.name} is already being verified by another process`);
      const [{ schema: live }] = await runner.query('SELECT current_schema() AS schema');
      const scratch = `rebuild_${projection.name.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`;
      try {
        const shapes = await this.createScratch(runner, live, scratch, projection);
        return await this.replayAndCompare(runner, projection, live, scratch, shapes);
      } finally {
        await runner.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(scratch)} CASCADE`);
      }
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => undefined);
      await runner.release();
    }
  }

  private async createScratch(
    runner: QueryRunner,
    live: string,
    scratch: string,
    projection: Projection,
  ): Promise<TableShape[]> {
    await runner.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(scratch)} CASCADE`);
    await runner.query(`CREATE SCHEMA ${quoteIdentifier(scratch)}`);
    const shapes: TableShape[] = [];
    for (const table of projection.tables ?? []) {
      await runner.query(
        `CREATE TABLE ${quoteIdentifier(scratch)}.${quoteIdentifier(table.name)}
           (LIKE ${quoteIdentifier(live)}.${quoteIdentifier(table.name)} INCLUDING ALL)`,
      );
      shapes.push(await tableShape(runner, live, table));
    }
    return shapes;
  }

  private async replayAndCompare(
    runner: QueryRunner,
    projection: Projection,
    live: string,
    scratch: string,
    shapes: TableShape[],
  ): Promise<ComparisonReport> {
    const replay = { position: START as GlobalPosition, events: 0 };
    for (let round = 0; round < CHASE_ROUNDS; round++) {
      const target = await readCheckpoint(this.db, projection.name);
      if (target < replay.position) throw new LiveProjectionRestartedError(projection.name);
      const before = replay.events;
      await this.replay(projection, scratch, replay, target);
      if (replay.events - before < this.options.batchSize) break;
    }

    await runner.query('START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      const position = await readCheckpoint(runner.manager, projection.name);
      if (position < replay.position) throw new LiveProjectionRestartedError(projection.name);
      const liveSums: TableChecksum[] = [];
      for (const shape of shapes) liveSums.push(await tableChecksum(runner, live, shape));
      await this.replay(projection, scratch, replay, position);
      // The pinned snapshot predates the last replayed batches: the copies are read on a fresh one.
      const tables = await this.withCopyReader((copy) =>
        this.compareTables(runner, copy, live, scratch, shapes, liveSums),
      );
      return {
        projection: projection.name,
        position,
        eventsReplayed: replay.events,
        tables,
        equal: tables.every((table) => table.equal),
      };
    } finally {
      await runner.query('ROLLBACK');
    }
  }

  private async compareTables(
    pinned: QueryRunner,
    copy: QueryRunner,
    live: string,
    scratch: string,
    shapes: TableShape[],
    liveSums: TableChecksum[],
  ): Promise<TableComparison[]> {
    const tables: TableComparison[] = [];
    for (const [index, shape] of shapes.entries()) {
      const rebuilt = await tableChecksum(copy, scratch, shape);
      const equal = rebuilt.rows === liveSums[index].rows && rebuilt.checksum === liveSums[index].checksum;
      tables.push({
        table: shape.table.name,
        live: liveSums[index],
        rebuilt,
        equal,
        notCompared: shape.table.unreproducibleColumns ?? [],
        differing: equal ? [] : await this.differing(pinned, copy, live, scratch, shape),
      });
    }
    return tables;
  }

  private async withCopyReader<T>(use: (copy: QueryRunner) => Promise<T>): Promise<T> {
    const copy = this.db.createQueryRunner();
    await copy.connect();
    try {
      await copy.query('START TRANSACTION READ ONLY');
      return await use(copy);
    } finally {
      await copy.query('ROLLBACK').catch(() => undefined);
      await copy.release();
    }
  }

  /** Applies the projection's events after `state.position`, up to and including `target`, to the copies. */
  private async replay(
    projection: Projection,
    scratch: string,
    state: { position: GlobalPosition; events: number },
    target: GlobalPosition,
  ): Promise<void> {
    while (state.position < target) {
      const batch = await this.store.readAll({
        from: state.position,
        filter: projection.filter,
        maxCount: this.options.batchSize,
      });
      const events = batch.filter((event) => event.position <= target);
      if (events.length === 0) return;
      await this.db.transaction(async (tx) => {
        // Only the copies are on the path: a table the projection touches but does not declare fails
        // loudly here instead of being read or written live.
        await tx.query(`SET LOCAL search_path TO ${quoteIdentifier(scratch)}`);
        await projection.apply(events, tx);
      });
      state.position = events[events.length - 1].position;
      state.events += events.length;
      this.options.onProgress?.({
        projection: projection.name,
        eventsReplayed: state.events,
        position: state.position,
        target,
      });
      if (events.length < batch.length) return;
    }
  }

  /** Live rows from the pinned snapshot against the finished copy, merged by key. */
  private async differing(
    pinned: QueryRunner,
    copy: QueryRunner,
    live: string,
    scratch: string,
    shape: TableShape,
  ): Promise<DifferingRow[]> {
    const liveRows = await KeyedRows.open(pinned, 'live_rows', live, shape);
    const copyRows = await KeyedRows.open(copy, 'rebuilt_rows', scratch, shape);
    try {
      return await differingRows(liveRows, copyRows, this.options.differingRowsShown ?? 5);
    } finally {
      await liveRows.close();
      await copyRows.close();
    }
  }
}
