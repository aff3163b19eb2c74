import type { ReadPosition, RecordedEvent as EsdbRecordedEvent } from '@eventstore/db-client';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START as ESDB_START,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
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
  StreamRevision,
  SubscribeOptions,
  Subscription,
} from '../event-store';
import { START, WrongExpectedRevisionError, assertValidAppend, assertValidBatchSize } from '../event-store';
import {
  encodeEsdbPosition,
  isSystemEvent,
  positionOf,
  toEventData,
  toReadPosition,
  toRecordedEvent,
} from './event-mapping';
import { chainLinks } from '../integrity/application-chain';
import { chainsFromLog, revisionsFromStreams } from '../integrity/chains-from-log';
import { claimEventIds } from './event-id-claims';
import { matchesFilter } from './filters';
import { findPreviousAppend } from './previous-append';
import { EventStoreDbSubscription } from './subscription';

const READ_ALL_PAGE_SIZE = 1_000;
const HEAD_PAGE_SIZE = 100;
/**
 * Each lost race means another writer appended to the stream, so retrying makes progress; the bound
 * only keeps a stream the server never lets us write to (tombstoned, say) from looping forever.
 */
const MAX_APPEND_ATTEMPTS = 50;

/**
 * The event store on EventStoreDB, through the official gRPC client. Takes a connection string
 * (`esdb://host:2113?tls=false`); `close()` disposes of the client.
 *
 * Every append first reads the stream: EventStoreDB's own idempotency only covers a retry sent with
 * the same expected revision, while the port promises that any retry of the same ids is a no-op and
 * that reusing some ids is an error. The write then expects exactly the revision that was read, so a
 * concurrent writer makes it fail and decide again rather than slip in between.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly subscriptions = new Set<EventStoreDbSubscription>();
  private closing: Promise<void> | null = null;

  constructor(connectionString: string) {
    this.client = EventStoreDBClient.connectionString(connectionString);
  }

  async append(
    streamName: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    assertValidAppend(streamName, events, expected);
    await claimEventIds(this.client, streamName, events);
    let lastConflict: WrongExpectedVersionError | null = null;
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt += 1) {
      const stored = await this.readRecords(streamName, ESDB_START, undefined);
      const previous = findPreviousAppend(streamName, stored, events);
      if (previous) return previous;
      const current = stored.at(-1)?.revision ?? -1n;
      if (!satisfies(expected, current)) throw new WrongExpectedRevisionError(streamName, expected, current);
      const head = stored.at(-1);
      const links = chainLinks(streamName, events, head ? toRecordedEvent(head) : null);
      try {
        const written = await this.client.appendToStream(
          streamName,
          events.map((event, index) => toEventData(event, links[index])),
          {
            expectedRevision: current === -1n ? NO_STREAM : current,
          },
        );
        return {
          nextRevision: written.nextExpectedRevision,
          position: await this.positionAt(streamName, written.nextExpectedRevision),
        };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        lastConflict = error;
      }
    }
    const actual = lastConflict?.actualVersion;
    throw new WrongExpectedRevisionError(streamName, expected, typeof actual === 'bigint' ? actual : -1n);
  }

  async readStream(
    streamName: string,
    options: { fromRevision?: bigint; maxCount?: number } = {},
  ): Promise<RecordedEvent[]> {
    if (options.maxCount === 0) return [];
    const records = await this.readRecords(streamName, options.fromRevision ?? ESDB_START, options.maxCount);
    return records.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
    const events: RecordedEvent[] = [];
    let after: GlobalPosition = options.from ?? START;
    let fromPosition = toReadPosition(options.from);
    while (events.length < maxCount) {
      let read = 0;
      for await (const { event } of this.client.readAll({
        fromPosition,
        maxCount: READ_ALL_PAGE_SIZE,
        direction: FORWARDS,
      })) {
        read += 1;
        if (!event) continue;
        const position = encodeEsdbPosition(event.position);
        // A read from a position includes it (and each page repeats the last one); `from` is exclusive.
        if (position <= after) continue;
        after = position;
        fromPosition = event.position;
        if (events.length < maxCount && matchesFilter(event, options.filter))
          events.push(toRecordedEvent(event));
      }
      if (read < READ_ALL_PAGE_SIZE) break;
    }
    return events;
  }

  subscribeAll(options: SubscribeOptions, onEvents: BatchHandler): Subscription {
    if (this.closing) throw new Error('The event store is closed');
    assertValidBatchSize(options.maxBatchSize);
    const subscription = new EventStoreDbSubscription(this.client, options, onEvents);
    this.subscriptions.add(subscription);
    void subscription.done.catch(() => undefined).finally(() => this.subscriptions.delete(subscription));
    return subscription;
  }

  /** The newest event that is ours: the log also holds the server's own (`$`) events. */
  async headPosition(): Promise<GlobalPosition> {
    let fromPosition: ReadPosition = END;
    for (;;) {
      let read = 0;
      for await (const { event } of this.client.readAll({
        fromPosition,
        maxCount: HEAD_PAGE_SIZE,
        direction: BACKWARDS,
      })) {
        read += 1;
        if (!event) continue;
        if (!isSystemEvent(event)) return encodeEsdbPosition(event.position);
        fromPosition = event.position;
      }
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
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.client.dispose();
  }

  private async readRecords(
    streamName: string,
    fromRevision: bigint | typeof ESDB_START,
    maxCount: number | undefined,
  ): Promise<EsdbRecordedEvent[]> {
    const records: EsdbRecordedEvent[] = [];
    try {
      for await (const { event } of this.client.readStream(streamName, {
        fromRevision,
        maxCount,
        direction: FORWARDS,
      })) {
        if (event) records.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return records;
  }

  /** The append reply's position is the first event's; the port answers with the last one's. */
  private async positionAt(streamName: string, revision: bigint): Promise<GlobalPosition> {
    const [last] = await this.readRecords(streamName, revision, 1);
    if (!last) throw new Error(`Stream ${streamName}: event ${revision} vanished right after it was written`);
    return positionOf(last);
  }
}

function satisfies(expected: ExpectedRevision, current: bigint): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === -1n;
  if (expected === 'stream_exists') return current !== -1n;
  return expected === current;
}
