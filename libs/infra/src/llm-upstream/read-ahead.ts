import { PassThrough, type Readable } from 'node:stream';

/** What a stream's reader may fall behind by before the upstream is asked to wait (TCP backpressure). */
const READ_AHEAD_BYTES = 1024 * 1024;

/**
 * A response body read from the moment it opens, whose bytes all reach the reader before its error.
 * undici destroys a body whose connection fails, and a destroyed stream drops what it had buffered: a
 * provider that sent a few chunks and then failed, before the gateway began reading (it reads nothing
 * until the request's hold is stored), lost chunks it had generated and the client was owed.
 */
export class ReadAhead implements AsyncIterable<Buffer> {
  private readonly received = new PassThrough({ highWaterMark: READ_AHEAD_BYTES });
  private failure: Error | null = null;

  constructor(private readonly body: Readable) {
    body.once('error', (error: Error) => {
      this.failure = error;
      this.received.end();
    });
    body.pipe(this.received);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    for await (const bytes of this.received) yield bytes as Buffer;
    if (this.failure) throw this.failure;
  }

  /** Stops reading and frees the connection; a reader still waiting ends with an error. */
  destroy(): void {
    this.body.destroy();
    this.received.destroy();
  }
}
