import type {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  EventStoreDBClient,
} from '@eventstore/db-client';
import type {
  BatchHandler,
  GlobalPosition,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store';
import { START } from '../event-store';
import { toPortError } from './client-errors';
import { encodeEsdbPosition, toReadPosition, toRecordedEvent } from './event-mapping';
import { matchesFilter, serverFilter } from './filters';

const DEFAULT_MAX_BATCH_SIZE = 500;

/**
 * A catch-up subscription to `$all`, handed over in batches: whatever the client has buffered (up
 * to the batch size) goes to one handler call, and nothing more is read from the stream until that
 * call settles, so the stream's own buffer applies back-pressure to the server.
 */
export class EventStoreDbSubscription implements Subscription {
  readonly done: Promise<void>;
  private stopping = false;
  private failure: Error | null = null;
  private ended = false;
  /** Set by every stream event; cleared before each read, so a signal during a handler call is kept. */
  private signalled = false;
  private wake: (() => void) | null = null;

  constructor(client: EventStoreDBClient, options: SubscribeOptions, onEvents: BatchHandler) {
    this.done = this.run(client, options, onEvents);
    // The failure is reported through `done`; a caller that never looks must not crash the process.
    this.done.catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.signal();
    await this.done.catch(() => undefined);
  }

  private async run(
    client: EventStoreDBClient,
    options: SubscribeOptions,
    onEvents: BatchHandler,
  ): Promise<void> {
    const limit = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
    // The client's stream holds 16 objects unless told otherwise, which would cap a batch near 31.
    const source = client.subscribeToAll(
      { fromPosition: toReadPosition(options.from), filter: serverFilter(options.filter) },
      { highWaterMark: limit },
    );
    source.on('error', (error: Error) => {
      this.failure ??= toPortError(error);
      this.signal();
    });
    source.on('end', () => {
      this.ended = true;
      this.signal();
    });
    source.on('readable', () => this.signal());
    let last: GlobalPosition = options.from ?? START;
    try {
      while (!this.stopping) {
        if (this.failure) throw this.failure;
        this.signalled = false;
        const received = take(source, limit);
        if (received.length === 0) {
          if (this.ended) throw new Error('EventStoreDB ended the subscription');
          await this.idle();
          continue;
        }
        const events: RecordedEvent[] = [];
        for (const { event } of received) {
          if (!event) continue;
          const position = encodeEsdbPosition(event.position);
          // `from` is exclusive and a resubscribe may repeat the last event: deliver each once.
          if (position <= last) continue;
          last = position;
          if (matchesFilter(event, options.filter)) events.push(toRecordedEvent(event));
        }
        if (events.length > 0) await onEvents(events);
      }
    } finally {
      await source.unsubscribe();
    }
  }

  private signal(): void {
    this.signalled = true;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private idle(): Promise<void> {
    if (this.signalled || this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.wake = resolve;
    });
  }
}

function take(source: AllStreamSubscription, limit: number): AllStreamResolvedEvent[] {
  const received: AllStreamResolvedEvent[] = [];
  while (received.length < limit) {
    const next = source.read() as AllStreamResolvedEvent | null;
    if (next === null) break;
    received.push(next);
  }
  return received;
}
