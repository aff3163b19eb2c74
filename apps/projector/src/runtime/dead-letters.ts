import type { RecordedEvent } from '@ops/infra/event-store/event-store';
import type { DataSource, EntityManager } from 'typeorm';

/** Failures of one event applied alone before it counts as poison rather than bad luck. */
export const POISON_STRIKES = 3;

/**
 * SQLSTATE classes of failures that say nothing about the event: the connection (08), a rollback the
 * database chose (40: serialization, deadlock), resources (53), lock timeouts and objects in use
 * (55), the operator (57), the system (58). Applied again later, the event may well succeed.
 */
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '55', '57', '58']);

/** True for a failure that the event's content cannot have caused: it is retried, never dead-lettered. */
export function isTransientFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, syscall, driverError } = error as {
    code?: unknown;
    syscall?: unknown;
    driverError?: unknown;
  };
  if (driverError !== undefined && isTransientFailure(driverError)) return true;
  if (typeof syscall === 'string') return true;
  return typeof code === 'string' && code.length === 5 && TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2));
}

/** Records `event` as one `projection` gives up on, in the transaction that moves its checkpoint past it. */
export async function recordDeadLetter(
  tx: EntityManager,
  projection: string,
  event: RecordedEvent,
  error: unknown,
  attempts: number,
): Promise<void> {
  await tx.query(
    `INSERT INTO projection_dead_letters
       (projection, position, event_id, stream_name, stream_revision, event_type, error, attempts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (projection, position) DO NOTHING`,
    [
      projection,
      event.position,
      event.id,
      event.streamName,
      event.revision.toString(),
      event.type,
      error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      attempts,
    ],
  );
}

/** How many events each named projection has given up on. */
export async function deadLetterCounts(
  db: DataSource,
  projections: readonly string[],
): Promise<Map<string, number>> {
  const rows: { projection: string; n: number }[] = await db.query(
    `SELECT projection, count(*)::int AS n FROM projection_dead_letters
      WHERE projection = ANY($1) GROUP BY projection`,
    [projections],
  );
  return new Map(rows.map((row) => [row.projection, row.n]));
}

/** A rebuild replays the log from zero: the events given up on are met again and judged afresh. */
export async function clearDeadLetters(tx: EntityManager, projection: string): Promise<void> {
  await tx.query('DELETE FROM projection_dead_letters WHERE projection = $1', [projection]);
}
