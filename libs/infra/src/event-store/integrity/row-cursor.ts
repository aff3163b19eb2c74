import type { Pool, QueryResultRow } from 'pg';

/**
 * The rows of one query, `batchSize` at a time, through a server-side cursor in a read-only
 * REPEATABLE READ transaction: one consistent snapshot however long the read, and only one batch in
 * memory. Stopping the iteration early closes the cursor and returns the connection.
 */
export async function* cursorRows<R extends QueryResultRow>(
  pool: Pool,
  query: { text: string; values?: unknown[] },
  batchSize: number,
): AsyncGenerator<R[]> {
  const client = await pool.connect();
  let failed: Error | undefined;
  let open = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    open = true;
    await client.query({
      text: `DECLARE integrity_rows NO SCROLL CURSOR FOR ${query.text}`,
      values: query.values,
    });
    for (;;) {
      const { rows } = await client.query<R>(`FETCH ${batchSize} FROM integrity_rows`);
      if (rows.length > 0) yield rows;
      if (rows.length < batchSize) break;
    }
    await client.query('COMMIT');
    open = false;
  } catch (error) {
    failed = error as Error;
    throw error;
  } finally {
    // A connection left inside the transaction (early stop) must not go back to the pool as it is.
    if (open && !failed) await client.query('ROLLBACK').catch(() => undefined);
    client.release(failed);
  }
}
