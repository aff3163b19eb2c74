/** The folded state of a stream at a revision, as one decider sees it. */
export interface CachedStream<State> {
  readonly decider: object;
  readonly state: State;
  /** Revision of the last event folded in; -1 for a stream that did not exist. */
  readonly revision: bigint;
  /** When (epoch ms) this revision was last known to be the stream's latest: read or appended at. */
  readonly verifiedAt: number;
}

/**
 * Folded stream states kept between commands, least recently used first out, so a busy stream (a
 * credit account under load) is decided on in memory instead of being re-read from its first event.
 * An entry is only a starting point: appends still check the revision, so a stale one costs a retry,
 * never a wrong write.
 */
export class StreamStateCache {
  private readonly entries = new Map<string, CachedStream<unknown>>();

  constructor(private readonly capacity = 10_000) {}

  get<State>(streamName: string, decider: object): CachedStream<State> | undefined {
    const entry = this.entries.get(streamName);
    if (!entry || entry.decider !== decider) return undefined;
    this.entries.delete(streamName);
    this.entries.set(streamName, entry);
    return entry as CachedStream<State>;
  }

  set<State>(streamName: string, entry: CachedStream<State>): void {
    this.entries.delete(streamName);
    this.entries.set(streamName, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** Keeps the newer of the cached entry and this one (readers racing writers never move it back). */
  advance<State>(streamName: string, entry: CachedStream<State>): void {
    const current = this.entries.get(streamName);
    if (current && current.decider === entry.decider && current.revision > entry.revision) return;
    this.set(streamName, entry);
  }

  delete(streamName: string): void {
    this.entries.delete(streamName);
  }
}
