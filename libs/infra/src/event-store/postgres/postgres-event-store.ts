import { Pool } from 'pg';
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
  SubscribeOptions,
  StreamRevision,
  Subscription,
} from '../event-store';
import { assertValidAppend, assertValidAppendMany, assertValidBatchSize } from '../event-store';
import { AppendDispatcher } from './append-dispatcher';
import { ChangeNotifier } from './change-notifier';
import { readChainRows, readRevisionRows } from './chain-reads';
import { cursorFrom } from './event-rows';
import { readHead, readPage, readStreamEvents } from './reads';
import { PostgresSubscription } from './subscription';

/**
 * A filtered page from far back may cost a scan of the rest of the log (the planner takes a prefix
 * filter for very selective and sorts what it finds), so a bounded read up to this size takes one
 * page: the projector's catch-up reads whole batches this way.
 */
const READ_ALL_PAGE_SIZE = 5_000;

export interface PostgresEventStoreOptions {
  /** Connections of the store's own pool (appends, reads, subscriptions). Default 16. */
  poolSize?: number;
  /**
   * Append transactions in flight at once; further appends queue and share the next commit. Few is
   * faster: on a 2-CPU machine 1-2 gave about twice the appends per second of 8. Default 2.
   */
  maxConcurrentAppends?: number;
  /** Upper bound on the events committed by one append transaction. Default 1,000. */
  maxBatchEvents?: number;
  /**
   * How often a live subscription looks again while committed events are held back by an older
   * transaction still open (its end notifies nobody). Default 50 ms.
   */
  pollIntervalMs?: number;
  /**
   * How often the store looks at the log's head, in an interval with no hint, in case a notification
   * was lost (one query for all its subscriptions): every look is a transaction, and an idle node
   * should commit next to none. Default 5 s.
   */
  idlePollIntervalMs?: number;
  /**
   * Whether other processes read this log live and need a NOTIFY after each append (one more
   * transaction, at most every 10 ms). False only where this process is the whole system (`npm
   * start`): its own subscriptions are woken in memory. Default true.
   */
  notifyOtherProcesses?: boolean;
}

/**
 * The event store on PostgreSQL (schema: migration EventStoreSchema1732500000000). Takes a
 * connection string, not a pool: it owns its pool and one extra connection for LISTEN, and
 * `close()` ends both.
 */
export class PostgresEventStore implements EventStore {
  private readonly pool: Pool;
  private readonly notifier: ChangeNotifier;
  private readonly appends: AppendDispatcher;
  private readonly pollIntervalMs: number;
  private readonly subscriptions = new Set<PostgresSubscription>();
  private closing: Promise<void> | null = null;

  constructor(connectionString: string, options: PostgresEventStoreOptions = {}) {
    this.pool = new Pool({ connectionString, max: options.poolSize ?? 16 });
    // An idle connection that dies (server restart, database dropped) is discarded by the pool and
    // the next query opens a new one; without a listener the error would crash the process.
    this.pool.on('error', () => undefined);
    this.notifier = new ChangeNotifier(
      connectionString,
      this.pool,
      options.notifyOtherProcesses ?? true,
      options.idlePollIntervalMs ?? 5_000,
    );
    this.appends = new AppendDispatcher(this.pool, {
      maxConcurrentBatches: options.maxConcurrentAppends ?? 2,
      maxBatchEvents: options.maxBatchEvents ?? 1_000,
      onAppended: (committed) =>
        this.notifier.appended(
          committed.flatMap(({ streamName, events }) => events.map(({ type }) => ({ streamName, type }))),
        ),
    });
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
  }

  async append(
    streamName: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    assertValidAppend(streamName, events, expected);
    return this.appends.append({ streamName, events, expected });
  }

  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    assertValidAppendMany(appends);
    return this.appends.appendTogether(appends);
  }

  readStream(
    streamName: string,
    options: { fromRevision?: bigint; maxCount?: number } = {},
  ): Promise<RecordedEvent[]> {
    return readStreamEvents(this.pool, streamName, options.fromRevision ?? 0n, options.maxCount);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
    const events: RecordedEvent[] = [];
    let cursor = cursorFrom(options.from);
    while (events.length < maxCount) {
      const page = await readPage(
        this.pool,
        cursor,
        options.filter,
        Math.min(READ_ALL_PAGE_SIZE, maxCount - events.length),
      );
      events.push(...page.events);
      if (!page.full) break;
      cursor = page.next;
    }
    return events;
  }

  subscribeAll(options: SubscribeOptions, onEvents: BatchHandler): Subscription {
    if (this.closing) throw new Error('The event store is closed');
    assertValidBatchSize(options.maxBatchSize);
    const subscription = new PostgresSubscription(
      {
        db: this.pool,
        notifier: this.notifier,
        pollIntervalMs: this.pollIntervalMs,
      },
      options,
      onEvents,
    );
    this.subscriptions.add(subscription);
    void subscription.done.catch(() => undefined).finally(() => this.subscriptions.delete(subscription));
    return subscription;
  }

  headPosition(): Promise<GlobalPosition> {
    return readHead(this.pool);
  }

  readChains(options: ChainReadOptions): AsyncIterable<RecordedEvent[]> {
    return readChainRows(this.pool, options);
  }

  readRevisions(revisions: readonly StreamRevision[]): Promise<(RecordedEvent | null)[]> {
    return readRevisionRows(this.pool, revisions);
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.appends.drain();
    await this.notifier.close();
    await this.pool.end();
  }
}
