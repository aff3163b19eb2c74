/**
 * The event store port. Two adapters implement it (PostgreSQL, EventStoreDB) and one conformance
 * suite (test/integration/event-store) proves they behave the same.
 */

/** `any` skips the check; a bigint is the revision of the stream's last event (0-based). */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

/**
 * One opaque, totally ordered cursor over the whole log. Adapters encode it so that plain string
 * comparison orders it (fixed-width digits), which lets checkpoints live in a text column.
 */
export type GlobalPosition = string;

/** Before the first event of the log. */
export const START: GlobalPosition = '';

export interface EventMetadata {
  /** Who caused the event: a user id, `system`, or a service name. */
  actor: string;
  correlationId: string;
  causationId: string | null;
  /** ISO-8601 time the command was decided (not when it was stored). */
  occurredAt: string;
  /** The component that appended it, e.g. `api`, `projector`, `host-agent`. */
  source: string;
  [key: string]: unknown;
}

/** What a caller appends. `id` is deterministic where a retry could happen, so a retry appends nothing. */
export interface NewEvent {
  id: string;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

/**
 * The event's link in its stream's tamper-evidence chain (integrity/event-hashes.ts defines both
 * hashes): PostgreSQL computes it in the append, EventStoreDB's adapter before it and keeps it in the
 * event's metadata. Absent on an event stored before chains existed.
 */
export interface EventIntegrity {
  previousHash: string | null;
  hash: string;
}

export interface RecordedEvent extends NewEvent {
  streamName: string;
  /** 0-based position of the event in its stream. */
  revision: bigint;
  position: GlobalPosition;
  recordedAt: Date;
  integrity?: EventIntegrity;
}

/** One stream's part of a multi-stream append. */
export interface StreamAppend {
  streamName: string;
  events: readonly NewEvent[];
  expected: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the stream's last event after the append. */
  nextRevision: bigint;
  /** Position of the last event written (or of the existing one, for an idempotent retry). */
  position: GlobalPosition;
}

/** Filters combine with AND; each list combines with OR. An empty or absent list matches everything. */
export interface EventFilter {
  /** Stream-name prefixes, e.g. `credit-account-` (a category). */
  streamPrefixes?: readonly string[];
  eventTypes?: readonly string[];
}

/** What a filter means, for readers that filter in memory (a shared reader, a server filtering half of it). */
export function matchesEventFilter(
  filter: EventFilter | undefined,
  streamName: string,
  type: string,
): boolean {
  const prefixes = filter?.streamPrefixes ?? [];
  if (prefixes.length > 0 && !prefixes.some((prefix) => streamName.startsWith(prefix))) return false;
  const types = filter?.eventTypes ?? [];
  return types.length === 0 || types.includes(type);
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. */
  from?: GlobalPosition;
  filter?: EventFilter;
  maxCount?: number;
}

export interface SubscribeOptions {
  /** Exclusive: events strictly after this position. */
  from?: GlobalPosition;
  filter?: EventFilter;
  /** Upper bound on the events handed to one `onEvents` call. */
  maxBatchSize?: number;
}

/**
 * Receives events in global order, one batch at a time; the next batch waits for the returned
 * promise, so a slow handler applies back-pressure instead of buffering the whole log in memory.
 */
export type BatchHandler = (events: RecordedEvent[]) => Promise<void>;

export interface Subscription {
  /** Stops delivering; resolves once no handler call is running. */
  stop(): Promise<void>;
  /** Resolves when the subscription ends: rejects with the error that ended it, if any. */
  readonly done: Promise<void>;
}

/** Which events tamper evidence reads: a consistent cut of the log, whole streams unless a time range. */
export interface ChainReadOptions {
  /**
   * Inclusive: only events at or before this position (an export's log position). Absent: every
   * event stored, also one readers cannot see yet, so that a verifier misses no forged row.
   */
  upTo?: GlobalPosition;
  /** One stream, by its exact name. */
  stream?: string;
  /** A stream-name prefix (literally), e.g. `credit-account-`. */
  category?: string;
  /** Recorded at or after this time. */
  recordedFrom?: Date;
  /** Recorded before this time. */
  recordedBefore?: Date;
}

/** One event of one stream, named by its revision. */
export interface StreamRevision {
  streamName: string;
  revision: bigint;
}

export interface EventStore {
  append(streamName: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /**
   * Several streams' appends, results in the same order. On PostgreSQL all or none are stored (one
   * transaction): a wrong expected revision on any stream fails them all with that stream's error. On
   * EventStoreDB before KurrentDB 25.1 they are stored one after another, in order, and a failure
   * leaves the earlier ones stored: callers order them so that a prefix is a state they can live with.
   */
  appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]>;
  /** The whole stream (or from a revision), oldest first. A missing stream reads as empty. */
  readStream(
    streamName: string,
    options?: { fromRevision?: bigint; maxCount?: number },
  ): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up then live: never skips an event, never delivers one twice, positions strictly increase. */
  subscribeAll(options: SubscribeOptions, onEvents: BatchHandler): Subscription;
  /** Position of the newest event in the log (START when empty), for lag reporting. */
  headPosition(): Promise<GlobalPosition>;
  /**
   * The events tamper evidence verifies and exports, `integrity` included: each stream's events
   * together and by revision (streams in the adapter's order), in batches, so memory stays flat
   * however long the log. Stopping the iteration early releases what the read holds.
   */
  readChains(options: ChainReadOptions): AsyncIterable<RecordedEvent[]>;
  /** The events at these revisions (null where there is none), in the order asked: signed heads. */
  readRevisions(revisions: readonly StreamRevision[]): Promise<(RecordedEvent | null)[]>;
  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    /** Current revision, or -1n when the stream does not exist. */
    readonly actual: bigint,
  ) {
    super(`Stream ${streamName}: expected revision ${String(expected)}, found ${actual}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** Some of the event ids were already stored, but not as this exact append: not a plain retry. */
export class DuplicateEventIdError extends Error {
  constructor(
    readonly streamName: string,
    readonly eventIds: readonly string[],
  ) {
    super(`Stream ${streamName}: event ids already used by a different append: ${eventIds.join(', ')}`);
    this.name = 'DuplicateEventIdError';
  }
}

export const EVENT_STORE = Symbol('EVENT_STORE');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What every adapter refuses before touching its store, so that both refuse the same appends: an
 * empty append, a negative expected revision, an id that is not a UUID, or one id used twice.
 */
export function assertValidAppend(
  streamName: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): void {
  if (streamName.length === 0) throw new TypeError('The stream name must not be empty');
  if (events.length === 0) throw new RangeError(`Stream ${streamName}: an append needs at least one event`);
  if (typeof expected === 'bigint' && expected < 0n) {
    throw new RangeError(`Stream ${streamName}: expected revision ${expected} is negative`);
  }
  const seen = new Set<string>();
  const repeated: string[] = [];
  for (const { id } of events) {
    if (!UUID.test(id))
      throw new TypeError(`Stream ${streamName}: event id ${JSON.stringify(id)} is not a UUID`);
    const key = id.toLowerCase();
    if (seen.has(key)) repeated.push(id);
    seen.add(key);
  }
  if (repeated.length > 0) throw new DuplicateEventIdError(streamName, repeated);
}

/** `appendMany` for a store without atomic multi-stream appends: each in turn, in order. */
export async function appendOneByOne(
  store: Pick<EventStore, 'append'>,
  appends: readonly StreamAppend[],
): Promise<AppendResult[]> {
  const results: AppendResult[] = [];
  for (const { streamName, events, expected } of appends) {
    results.push(await store.append(streamName, events, expected));
  }
  return results;
}

/** What every adapter refuses in a multi-stream append, before touching its store. */
export function assertValidAppendMany(appends: readonly StreamAppend[]): void {
  if (appends.length === 0) throw new RangeError('A multi-stream append needs at least one stream');
  const streams = new Set<string>();
  const ids = new Set<string>();
  for (const { streamName, events, expected } of appends) {
    assertValidAppend(streamName, events, expected);
    if (streams.has(streamName)) {
      throw new RangeError(`Stream ${streamName} appears twice in one multi-stream append`);
    }
    streams.add(streamName);
    const repeated = events.filter(({ id }) => ids.has(id.toLowerCase())).map(({ id }) => id);
    if (repeated.length > 0) throw new DuplicateEventIdError(streamName, repeated);
    for (const { id } of events) ids.add(id.toLowerCase());
  }
}

export function assertValidBatchSize(maxBatchSize: number | undefined): void {
  if (maxBatchSize !== undefined && !(Number.isInteger(maxBatchSize) && maxBatchSize >= 1)) {
    throw new RangeError(`maxBatchSize must be a positive integer, not ${maxBatchSize}`);
  }
}
