import { START, type GlobalPosition } from '@ops/infra/event-store/event-store';
import type { DataSource, EntityManager, QueryResult } from 'typeorm';

/** Another process moved the checkpoint under us (a rebuild, or a second projector): restart from it. */
export class CheckpointMovedError extends Error {
  constructor(readonly projection: string) {
    super(`checkpoint of ${projection} moved under this worker; restarting from the stored one`);
    this.name = 'CheckpointMovedError';
  }
}

export async function readCheckpoint(
  db: DataSource | EntityManager,
  projection: string,
): Promise<GlobalPosition> {
  const rows: { position: string }[] = await db.query(
    'SELECT position FROM projection_checkpoints WHERE name = $1',
    [projection],
  );
  return rows[0]?.position ?? START;
}

/**
 * Moves the checkpoint from `expected` to `next` inside the batch's transaction. The compare makes a
 * batch applied by a stale worker roll back instead of doubling rows.
 */
export async function advanceCheckpoint(
  tx: EntityManager,
  projection: string,
  expected: GlobalPosition,
  next: GlobalPosition,
  eventCount: number,
  lastEventRecordedAt: Date,
): Promise<void> {
  const params = [projection, next, eventCount, lastEventRecordedAt, expected];
  // Only a query runner reports affected rows the same way for INSERT and UPDATE.
  const runner = tx.queryRunner;
  if (!runner) throw new Error('advanceCheckpoint must run inside a transaction');
  // The first batch of a projection may find no row yet; every later one must find its own position.
  const result: QueryResult =
    expected === START
      ? await runner.query(
          `INSERT INTO projection_checkpoints AS c (name, position, events_processed, last_event_recorded_at, updated_at)
           VALUES ($1, $2, $3, $4, now())
           ON CONFLICT (name) DO UPDATE
             SET position = EXCLUDED.position, events_processed = c.events_processed + EXCLUDED.events_processed,
                 last_event_recorded_at = EXCLUDED.last_event_recorded_at, updated_at = now()
             WHERE c.position = $5
           RETURNING c.name`,
          params,
          true,
        )
      : await runner.query(
          `UPDATE projection_checkpoints
              SET position = $2, events_processed = events_processed + $3, last_event_recorded_at = $4, updated_at = now()
            WHERE name = $1 AND position = $5
            RETURNING name`,
          params,
          true,
        );
  if (result.affected !== 1) throw new CheckpointMovedError(projection);
}

/** Puts the projection back at the start of the log in the caller's transaction (used by rebuilds). */
export async function resetCheckpoint(tx: EntityManager, projection: string): Promise<void> {
  await tx.query(
    `INSERT INTO projection_checkpoints (name, position, events_processed, updated_at) VALUES ($1, '', 0, now())
     ON CONFLICT (name) DO UPDATE SET position = '', read_through = '', events_processed = 0,
                                      last_event_recorded_at = NULL, updated_at = now()`,
    [projection],
  );
}
