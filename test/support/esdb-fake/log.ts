/** One event as the fake stores it: the bytes the client sent, with its place in its stream and in `$all`. */
export interface StoredEvent {
  streamName: string;
  revision: bigint;
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
  /** Log position: the server reports it as both the commit and the prepare position of the event. */
  position: bigint;
  /** Ticks (100 ns) since the Unix epoch, as the server sends `created` (its `ToTicksSinceEpoch`). */
  created: bigint;
}

export interface ProposedEvent {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
}

export type Expected =
  | { kind: 'any' }
  | { kind: 'no_stream' }
  | { kind: 'stream_exists' }
  | { kind: 'revision'; revision: bigint };

export type AppendOutcome =
  | { kind: 'written'; currentRevision: bigint; position: bigint }
  | { kind: 'wrong_expected_version'; currentRevision: bigint }
  | { kind: 'deleted' };

interface StreamState {
  events: StoredEvent[];
  /** Reads hide revisions below it (`$tb`); a soft delete sets it past the last event. */
  truncateBefore: bigint;
  softDeleted: boolean;
  tombstoned: boolean;
}

/** Bytes a record takes besides its payload, so that positions step the way a real log's do. */
const RECORD_OVERHEAD = 120n;

/**
 * The in-memory transaction log behind the fake: streams, `$all` in log order, and the server's
 * commit check (expected revisions, and an append already written at that expectation is answered
 * again instead of written twice).
 */
export class FakeLog {
  private readonly all: StoredEvent[] = [];
  private readonly streams = new Map<string, StreamState>();
  private readonly byId = new Map<string, StoredEvent>();
  private readonly listeners = new Set<() => void>();
  /** Streams where another writer gets in first, for the next so many appends. */
  private readonly rivals = new Map<string, number>();
  private nextPosition = 0n;

  constructor() {
    // A real node writes its own events first; readers must skip them.
    this.write('$epoch-information', [systemEvent('$epoch-information')]);
    this.write('$scavenges', [systemEvent('$scavengeIndexInitialized')]);
  }

  append(streamName: string, expected: Expected, events: readonly ProposedEvent[]): AppendOutcome {
    const rivalWins = this.rivals.get(streamName) ?? 0;
    if (rivalWins > 0) {
      this.rivals.set(streamName, rivalWins - 1);
      this.write(streamName, [rivalEvent()]);
    }
    const stream = this.streams.get(streamName);
    if (stream?.tombstoned) return { kind: 'deleted' };
    const current = stream?.events.at(-1)?.revision ?? -1n;
    const decision = this.check(streamName, stream, current, expected, events);
    if (decision.kind !== 'ok') return decision;
    if (stream?.softDeleted) {
      // Appending to a soft-deleted stream brings it back, keeping its revisions going.
      stream.softDeleted = false;
    }
    const written = this.write(streamName, events);
    return { kind: 'written', currentRevision: written.revision, position: written.position };
  }

  /** For the next `appends` appends to the stream, another writer appends one event just before. */
  loseRaces(streamName: string, appends: number): void {
    this.rivals.set(streamName, appends);
  }

  /** Soft delete: the stream reads as missing until the next append, which continues its revisions. */
  softDelete(streamName: string): void {
    const stream = this.streams.get(streamName);
    if (!stream || stream.tombstoned) return;
    stream.softDeleted = true;
    stream.truncateBefore = (stream.events.at(-1)?.revision ?? -1n) + 1n;
  }

  /** Sets `$tb`: events below the revision are no longer read, but the stream goes on. */
  truncateBefore(streamName: string, revision: bigint): void {
    const stream = this.streams.get(streamName);
    if (stream) stream.truncateBefore = revision;
  }

  tombstone(streamName: string): void {
    const stream = this.ensureStream(streamName);
    stream.tombstoned = true;
  }

  /** Visible events of a stream, or `missing` / `deleted` as a read reports them. */
  readStream(streamName: string): StoredEvent[] | 'missing' | 'deleted' {
    const stream = this.streams.get(streamName);
    if (!stream || stream.events.length === 0) return 'missing';
    if (stream.tombstoned) return 'deleted';
    if (stream.softDeleted) return 'missing';
    return stream.events.filter((event) => event.revision >= stream.truncateBefore);
  }

  /** `$all` in log order; the caller must not change it. */
  allEvents(): readonly StoredEvent[] {
    return this.all;
  }

  lastPosition(): bigint {
    return this.all.at(-1)?.position ?? 0n;
  }

  /** Called after every write; returns the unsubscribe function. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private check(
    streamName: string,
    stream: StreamState | undefined,
    current: bigint,
    expected: Expected,
    events: readonly ProposedEvent[],
  ): AppendOutcome | { kind: 'ok' } {
    const wrong = { kind: 'wrong_expected_version', currentRevision: current } as const;
    switch (expected.kind) {
      case 'any':
        return this.checkAnyIdempotency(streamName, current, events);
      case 'stream_exists':
        if (current === -1n || stream?.softDeleted) return wrong;
        return this.checkAnyIdempotency(streamName, current, events);
      case 'no_stream':
        if (stream?.softDeleted) return { kind: 'ok' };
        return this.checkAt(stream, current, -1n, events);
      case 'revision':
        return this.checkAt(stream, current, expected.revision, events);
    }
  }

  /** With `any`, a retry is known by its first event id, stored in the same stream. */
  private checkAnyIdempotency(
    streamName: string,
    current: bigint,
    events: readonly ProposedEvent[],
  ): AppendOutcome | { kind: 'ok' } {
    let last: StoredEvent | undefined;
    for (const [index, event] of events.entries()) {
      const stored = this.byId.get(event.id);
      if (!stored || stored.streamName !== streamName) {
        // Part of the events stored and part not: not the same append again.
        return index === 0 ? { kind: 'ok' } : { kind: 'wrong_expected_version', currentRevision: current };
      }
      last = stored;
    }
    return last
      ? { kind: 'written', currentRevision: last.revision, position: last.position }
      : { kind: 'ok' };
  }

  /** An exact expectation already passed: the same ids right after it make it a retry. */
  private checkAt(
    stream: StreamState | undefined,
    current: bigint,
    expected: bigint,
    events: readonly ProposedEvent[],
  ): AppendOutcome | { kind: 'ok' } {
    if (expected === current) return { kind: 'ok' };
    const wrong = { kind: 'wrong_expected_version', currentRevision: current } as const;
    if (expected > current || !stream) return wrong;
    let last: StoredEvent | undefined;
    for (const [offset, event] of events.entries()) {
      const stored = stream.events[Number(expected + 1n) + offset];
      if (stored?.id !== event.id) return wrong;
      last = stored;
    }
    return last ? { kind: 'written', currentRevision: last.revision, position: last.position } : wrong;
  }

  private write(streamName: string, events: readonly ProposedEvent[]): StoredEvent {
    const stream = this.ensureStream(streamName);
    const created = BigInt(Date.now()) * 10_000n;
    for (const event of events) {
      const stored: StoredEvent = {
        ...event,
        streamName,
        revision: BigInt(stream.events.length),
        position: this.nextPosition,
        created,
      };
      this.nextPosition +=
        RECORD_OVERHEAD + BigInt(event.data.length + event.metadata.length + streamName.length);
      stream.events.push(stored);
      this.all.push(stored);
      this.byId.set(event.id, stored);
    }
    for (const listener of this.listeners) listener();
    return stream.events[stream.events.length - 1];
  }

  private ensureStream(streamName: string): StreamState {
    let stream = this.streams.get(streamName);
    if (!stream) {
      stream = { events: [], truncateBefore: 0n, softDeleted: false, tombstoned: false };
      this.streams.set(streamName, stream);
    }
    return stream;
  }
}

function rivalEvent(): ProposedEvent {
  return {
    id: crypto.randomUUID(),
    type: 'RivalWroteFirst',
    contentType: 'application/json',
    data: Buffer.from('{}'),
    metadata: new Uint8Array(),
  };
}

function systemEvent(type: string): ProposedEvent {
  return {
    id: crypto.randomUUID(),
    type,
    contentType: 'application/json',
    data: Buffer.from('{}'),
    metadata: new Uint8Array(),
  };
}
