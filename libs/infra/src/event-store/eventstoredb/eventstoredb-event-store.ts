import type { Position, ReadPosition } from '@eventstore/db-client';
import { BACKWARDS, END, EventStoreDBClient, FORWARDS, StreamNotFoundError } from '@eventstore/db-client';
import type {
  AppendResult,
  BatchHandler,
  ChainReadOptions,
  EventStore,
  ExpectedRevision,
  GlobalPosition,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
  StreamAppend,
  StreamRevision,
  SubscribeOptions,
  Subscription,
} from '../event-store';
import {
  START,
  appendOneByOne,
  assertValidAppend,
  assertValidAppendMany,
  assertValidBatchSize,
} from '../event-store';
import { Appender, DEFAULT_MAX_APPEND_BYTES } from './appender';
import { withReconnects } from './client-errors';
import {
  encodeEsdbPosition,
  isSystemEvent,
  toReadPosition,
  toRecordedEvent,
  type PositionedRecord,
} from './event-mapping';
import { readAllFiltered } from './filtered-read';
import { chainsFromLog, revisionsFromStreams } from '../integrity/chains-from-log';
import { claimEventIds } from './event-id-claims';
import { EventStoreDbSubscription } from './subscription';

const READ_ALL_PAGE_SIZE = 1_000;
const HEAD_PAGE_SIZE = 100;

export interface EventStoreDbOptions {
  /** Appends larger than this go as several runs; keep it under the server's `MaxAppendSize`. */
  maxAppendBytes?: number;
}

/**
 * The event store on EventStoreDB (22.6 and later; 24.10 is the version the fake models), through the
 * official gRPC client. Takes a connection string (`esdb://host:2113?tls=false`); `close()` waits for
 * the appends in flight, stops the subscriptions and disposes of the client.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly appender: Appender;
  private readonly subscriptions = new Set<EventStoreDbSubscription>();
  private readonly appendsInFlight = new Set<Promise<unknown>>();
  private closing: Promise<void> | null = null;

  constructor(connectionString: string, options: EventStoreDbOptions = {}) {
    this.client = EventStoreDBClient.connectionString(connectionString);
    this.appender = new Appender(
      this.client,
      (streamName, fromRevision, maxCount) => this.readRecords(streamName, fromRevision, maxCount),
      options.maxAppendBytes ?? DEFAULT_MAX_APPEND_BYTES,
    );
  }

  /** Not atomic: the 6.x client has no multi-stream append (KurrentDB 25.1+ has one). */
  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    assertValidAppendMany(appends);
    return appendOneByOne(this, appends);
  }

  append(streamName: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.closing) return Promise.reject(new Error('The event store is closed'));
    try {
      assertValidAppend(streamName, events, expected);
    } catch (error) {
      return Promise.reject(error);
    }
    // An id is claimed in a stream of its own first: EventStoreDB has no index of ids across streams.
    const appending = claimEventIds(this.client, streamName, events).then(() =>
      this.appender.append(streamName, events, expected),
    );
    this.appendsInFlight.add(appending);
    const forget = (): void => void this.appendsInFlight.delete(appending);
    appending.then(forget, forget);
    return appending;
  }

  async readStream(
    streamName: string,
    options: { fromRevision?: bigint; maxCount?: number } = {},
  ): Promise<RecordedEvent[]> {
    if (options.maxCount === 0) return [];
    const records = await this.readRecords(streamName, options.fromRevision ?? 0n, options.maxCount);
    return records.map(toRecordedEvent);
  }

  readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
    const filter = options.filter;
    if ((filter?.streamPrefixes?.length ?? 0) > 0 || (filter?.eventTypes?.length ?? 0) > 0) {
      return withReconnects(async () => {
        const end = await this.lastLogPosition();
        if (!end || maxCount === 0) return [];
        return readAllFiltered(this.client, { from: options.from, filter: filter ?? {}, maxCount, end });
      });
    }
    return withReconnects(() => this.readAllPages(options.from, maxCount));
  }

  /** `$all` page by page, without the server's own events. */
  private async readAllPages(from: GlobalPosition | undefined, maxCount: number): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    let after: GlobalPosition = from ?? START;
    let fromPosition = toReadPosition(from);
    while (events.length < maxCount) {
      let read = 0;
      // No bigger than asked for (plus the repeated `from`): a short read must not ship a whole page.
      const pageSize = Math.min(READ_ALL_PAGE_SIZE, maxCount - events.length + 1);
      for await (const { event } of this.client.readAll({
        fromPosition,
        maxCount: pageSize,
        direction: FORWARDS,
      })) {
        read += 1;
        if (!event) continue;
        const position = encodeEsdbPosition(event.position);
        // A read from a position includes it (and each page repeats the last one); `from` is exclusive.
        if (position <= after) continue;
        after = position;
        fromPosition = event.position;
        if (events.length < maxCount && !isSystemEvent(event)) events.push(toRecordedEvent(event));
      }
      if (read < pageSize) break;
    }
    return events;
  }

  subscribeAll(options: SubscribeOptions, onEvents: BatchHandler): Subscription {
    if (this.closing) throw new Error('The event store is closed');
    assertValidBatchSize(options.maxBatchSize);
    toReadPosition(options.from);
    const subscription = new EventStoreDbSubscription(this.client, options, onEvents);
    this.subscriptions.add(subscription);
    void subscription.done.catch(() => undefined).finally(() => this.subscriptions.delete(subscription));
    return subscription;
  }

  /** The newest event that is ours: the log also holds the server's own (`$`) events. */
  headPosition(): Promise<GlobalPosition> {
    return withReconnects(() => this.findHead());
  }

  private async findHead(): Promise<GlobalPosition> {
    let fromPosition: ReadPosition = END;
    for (;;) {
      let read = 0;
      let head: GlobalPosition | null = null;
      // Each page is read to its end: a read abandoned midway would keep the client from disposing.
      for await (const { event } of this.client.readAll({
        fromPosition,
        maxCount: HEAD_PAGE_SIZE,
        direction: BACKWARDS,
      })) {
        read += 1;
        if (!event || head !== null) continue;
        if (!isSystemEvent(event)) head = encodeEsdbPosition(event.position);
        fromPosition = event.position;
      }
      if (head !== null) return head;
      if (read < HEAD_PAGE_SIZE) return START;
    }
  }

  readChains(options: ChainReadOptions): AsyncIterable<RecordedEvent[]> {
    return chainsFromLog(this, options);
  }

  readRevisions(revisions: readonly StreamRevision[]): Promise<(RecordedEvent | null)[]> {
    return revisionsFromStreams(this, revisions);
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    // An append the caller is waiting for must finish (and be answered) before the client goes.
    await Promise.allSettled([...this.appendsInFlight]);
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.client.dispose();
  }

  /** The last position of the whole log, the server's own events included (null when it is empty). */
  private async lastLogPosition(): Promise<Position | null> {
    let last: Position | null = null;
    // Read to the end rather than return from inside the loop: an abandoned read never lets the client dispose.
    for await (const { event } of this.client.readAll({
      fromPosition: END,
      maxCount: 1,
      direction: BACKWARDS,
    }))
      last ??= event?.position ?? null;
    return last;
  }

  private readRecords(
    streamName: string,
    fromRevision: bigint,
    maxCount: number | undefined,
  ): Promise<PositionedRecord[]> {
    return withReconnects(async () => {
      const records: PositionedRecord[] = [];
      try {
        for await (const { event } of this.client.readStream(streamName, {
          fromRevision,
          maxCount,
          direction: FORWARDS,
        })) {
          if (event) records.push(event as PositionedRecord);
        }
      } catch (error) {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      }
      return records;
    });
  }
}
