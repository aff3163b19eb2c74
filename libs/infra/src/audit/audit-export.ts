import type { PoolClient } from 'pg';

export const EXPORT_CURSOR = 'audit_export';

/**
 * Batches of an open server-side cursor over one text column (an export's lines, written by the
 * database), fetched one at a time as the consumer asks, so memory
 * stays at one batch whatever the size of the result. Iterating to the end, an error, or `return()`
 * (a consumer that stops early, even before its first batch) ends the transaction and gives the
 * connection back, exactly once.
 */
export class AuditExport implements AsyncIterableIterator<string[]> {
  private finished = false;
  /** The FETCH under way, which a `return()` lets finish: one connection runs one query at a time. */
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: PoolClient,
    private readonly batchSize: number,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<string[], undefined>> {
    if (this.finished) return { done: true, value: undefined };
    // Rows as arrays: one value each, no object per row.
    const fetched = this.client.query<[string]>({
      text: `FETCH ${this.batchSize} FROM ${EXPORT_CURSOR}`,
      rowMode: 'array',
    });
    this.inFlight = fetched.catch(() => undefined);
    let rows: [string][];
    try {
      rows = (await fetched).rows;
    } catch (error) {
      await this.finish(error);
      throw error;
    }
    if (rows.length < this.batchSize) await this.finish();
    if (rows.length === 0) return { done: true, value: undefined };
    return { done: false, value: rows.map(([line]) => line) };
  }

  async return(): Promise<IteratorResult<string[], undefined>> {
    await this.inFlight;
    await this.finish();
    return { done: true, value: undefined };
  }

  private async finish(failure?: unknown): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    let error = failure;
    if (error === undefined)
      await this.client.query('COMMIT').catch((commitError: unknown) => (error = commitError));
    // A connection that failed mid-transaction is destroyed rather than handed to the next request.
    this.client.release(error === undefined ? undefined : asError(error));
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
