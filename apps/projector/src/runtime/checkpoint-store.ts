import { START, type GlobalPosition } from '@ops/infra/event-store/event-store';
import type { DataSource, EntityManager } from 'typeorm';

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

/** One projection's checkpoint moving past a batch it applied. */
export interface CheckpointMove {
  name: string;
  /** Where this worker left it: a stored checkpoint elsewhere means another worker or a rebuild moved it. */
  expected: GlobalPosition;
  next: GlobalPosition;
  eventCount: number;
  lastEventRecordedAt: Date;
}

/**
 * Moves every checkpoint of a batch in one statement (in the batch's transaction; with no moves, the
 * read-through marks of an idle batch alone): each from
 * `expected` to `next` (the compare makes a batch applied by a stale worker roll back instead of
 * doubling rows), recording them and the projections that had nothing in the batch (`idle`) as read
 * through `through`. It also turns off waiting for the commit's flush to disk, since rows and
 * checkpoints commit together and a batch lost in a crash is simply applied again; a live batch is
 * mostly round trips, so that setting rides along. Returns the projections whose checkpoint had moved.
 */
export async function advanceCheckpoints(
  tx: DataSource | EntityManager,
  moves: readonly CheckpointMove[],
  readThrough?: { through: GlobalPosition; idle: readonly { name: string; position: GlobalPosition }[] },
): Promise<string[]> {
  const rows: { advanced: string[] | null }[] = await tx.query(
    `WITH moves AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::timestamptz[])
         AS m(name, expected, next, events, recorded_at)
     ), advanced AS (
       INSERT INTO projection_checkpoints AS c
         (name, position, events_processed, last_event_recorded_at, updated_at, read_through)
       SELECT m.name, m.next, m.events, m.recorded_at, now(), COALESCE($6, '') FROM moves m
        WHERE m.expected = $9 OR EXISTS (SELECT 1 FROM projection_checkpoints p WHERE p.name = m.name)
       ON CONFLICT (name) DO UPDATE
         SET position = EXCLUDED.position, events_processed = c.events_processed + EXCLUDED.events_processed,
             last_event_recorded_at = EXCLUDED.last_event_recorded_at, updated_at = now(),
             read_through = GREATEST(c.read_through, EXCLUDED.read_through)
         WHERE c.position = (SELECT m.expected FROM moves m WHERE m.name = c.name)
       RETURNING c.name
     ), idle AS (
       INSERT INTO projection_checkpoints AS c (name, position, events_processed, updated_at, read_through)
       SELECT i.name, i.position, 0, now(), $6 FROM unnest($7::text[], $8::text[]) AS i(name, position)
        WHERE $6 IS NOT NULL
       ON CONFLICT (name) DO UPDATE SET read_through = EXCLUDED.read_through
         WHERE c.position = EXCLUDED.position AND c.read_through < EXCLUDED.read_through
     )
     SELECT set_config('synchronous_commit', 'off', true) AS sync, (SELECT array_agg(name) FROM advanced) AS advanced`,
    [
      moves.map((move) => move.name),
      moves.map((move) => move.expected),
      moves.map((move) => move.next),
      moves.map((move) => move.eventCount),
      moves.map((move) => move.lastEventRecordedAt),
      readThrough?.through ?? null,
      (readThrough?.idle ?? []).map(({ name }) => name),
      (readThrough?.idle ?? []).map(({ position }) => position),
      START,
    ],
  );
  const advanced = new Set(rows[0]?.advanced ?? []);
  return moves.filter((move) => !advanced.has(move.name)).map((move) => move.name);
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
