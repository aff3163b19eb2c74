import type { DataSource } from 'typeorm';

/** The advisory lock whose holder applies the projection; every other process stands by. */
export function projectionLockKey(projection: string): string {
  return `projection:${projection}`;
}

/**
 * For each projection whose lock is held now: the `application_name` of the session holding it,
 * which names the process (see `databaseOptions`). `pg_try_advisory_lock(bigint)` files the key's
 * high and low 32 bits as the lock's classid and objid.
 */
export async function projectionLockHolders(
  db: DataSource,
  projections: string[],
): Promise<Map<string, string>> {
  const rows: { name: string; holder: string }[] = await db.query(
    `SELECT p.name, a.application_name AS holder
       FROM unnest($1::text[], $2::text[]) AS p(name, lock_key)
       CROSS JOIN LATERAL (SELECT hashtext(p.lock_key)::bigint AS key) k
       JOIN pg_locks l
         ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid::bigint = (k.key >> 32) & 4294967295
        AND l.objid::bigint = k.key & 4294967295
       JOIN pg_stat_activity a ON a.pid = l.pid`,
    [projections, projections.map(projectionLockKey)],
  );
  return new Map(rows.map((row) => [row.name, row.holder]));
}
