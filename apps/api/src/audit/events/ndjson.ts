import { StreamableFile } from '@nestjs/common';
import { Readable } from 'node:stream';

export const NDJSON = 'application/x-ndjson';

/** True when the `Accept` header names NDJSON (parameters and quality values aside). */
export function wantsNdjson(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((range) => range.split(';')[0].trim().toLowerCase() === NDJSON);
}

/**
 * One JSON event per line (`line` writes one, newline included), one batch per chunk. The readable holds a single chunk, so the next batch
 * is fetched only once the client has taken the previous one: a slow reader slows the export down
 * instead of filling the server's memory. However the stream ends (done, failed, or the client went
 * away, even before the first batch), the batches are told to stop, which frees their cursor.
 */
export function ndjsonResponse<T>(
  batches: AsyncIterable<readonly T[]>,
  line: (item: T) => string,
): StreamableFile {
  const iterator = batches[Symbol.asyncIterator]();
  const readable = new Readable({
    objectMode: true,
    highWaterMark: 1,
    read() {
      iterator.next().then(
        ({ done, value }) => this.push(done ? null : value.map(line).join('')),
        (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
      );
    },
    destroy(error, callback) {
      Promise.resolve(iterator.return?.()).then(
        () => callback(error),
        (returnError: unknown) => callback(error ?? (returnError as Error)),
      );
    },
  });
  return new StreamableFile(readable, { type: NDJSON });
}
