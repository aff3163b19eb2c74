import type { GlobalPosition } from '@ops/infra/event-store/event-store';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Records that each projection has applied every event it matches up to `through`, for the reads that
 * wait for a log position. Only where the checkpoint is still the one given: a projection rebuilt
 * meanwhile (its checkpoint reset) is not said to be read through anything.
 */
export async function markReadThrough(
  db: DataSource | EntityManager,
  through: GlobalPosition,
  projections: readonly { name: string; position: GlobalPosition }[],
): Promise<void> {
  if (projections.length === 0) return;
  await db.query(
    `INSERT INTO projection_checkpoints AS c (name, position, events_processed, updated_at, read_through)
     SELECT m.name, m.position, 0, now(), $1 FROM unnest($2::text[], $3::text[]) AS m(name, position)
     ON CONFLICT (name) DO UPDATE SET read_through = EXCLUDED.read_through
       WHERE c.position = EXCLUDED.position AND c.read_through < EXCLUDED.read_through`,
    [through, projections.map(({ name }) => name), projections.map(({ position }) => position)],
  );
}
