import { chainHash, contentHash, type HashedContent } from './event-hashes';
import type { IntegrityProblem, IntegrityProblemKind } from './integrity-problem';

/** One stored event, as a verifier reads it back. */
export interface ChainLink {
  streamName: string;
  revision: bigint;
  content: HashedContent;
  previousHash: string | null;
  hash: string | null;
}

/** The last event of a stream, as verified. */
export interface StreamHead {
  stream: string;
  firstRevision: bigint;
  revision: bigint;
  hash: string | null;
  events: number;
}

export interface ChainVerifierOptions {
  /**
   * True when every stream is read from its first event (the database): a stream must then start at
   * revision 0 with no predecessor. An export of a time range starts streams wherever the range does.
   */
  wholeStreams: boolean;
  onProblem: (problem: IntegrityProblem) => void;
  onStreamEnd?: (head: StreamHead) => void;
}

/** Recent hashes remembered per stream to recognise reordered events; older ones fall out. */
const WINDOW = 10_000;
const RANK: Record<string, number> = { reordered: 3, hash_mismatch: 2, unhashed: 2, chain_broken: 1 };

interface StreamState {
  name: string;
  first: bigint;
  next: bigint;
  lastHash: string | null;
  events: number;
  /** Hash → revision of the stream's recent events. */
  seen: Map<string, bigint>;
  /** Predecessor hash → revision of an event whose predecessor has not shown up (yet). */
  awaited: Map<string, bigint>;
  /** Revision → the worst thing found about that event, settled when the stream ends. */
  flagged: Map<bigint, { problem: IntegrityProblemKind; detail: string }>;
}

/**
 * Checks hash chains from events fed in stream order (each stream contiguous, by revision), holding
 * one stream's recent hashes at a time, so memory stays flat however long the log is. Each event is
 * recomputed from its content (hash_mismatch) and linked to the event before it (chain_broken); gaps
 * in the numbering are missing events; an event whose recorded predecessor shows up after it was
 * reordered. One problem per event, the most telling one.
 */
export class ChainVerifier {
  private stream: StreamState | null = null;

  constructor(private readonly options: ChainVerifierOptions) {}

  add(link: ChainLink): void {
    if (this.stream?.name !== link.streamName) {
      this.endStream();
      this.stream = this.startStream(link);
    }
    this.check(this.stream, link);
  }

  /** Settles the last stream; call once after the last event. */
  finish(): void {
    this.endStream();
  }

  private startStream(link: ChainLink): StreamState {
    const first = this.options.wholeStreams ? 0n : link.revision;
    return {
      name: link.streamName,
      first: link.revision,
      next: first,
      lastHash: null,
      events: 0,
      seen: new Map(),
      awaited: new Map(),
      flagged: new Map(),
    };
  }

  private check(stream: StreamState, link: ChainLink): void {
    const { revision, previousHash, hash } = link;
    let afterGap = false;
    if (revision > stream.next) {
      const last = revision - 1n;
      this.options.onProblem({
        stream: stream.name,
        revision: stream.next.toString(),
        problem: 'missing',
        detail:
          last === stream.next
            ? `revision ${stream.next} is missing`
            : `revisions ${stream.next} to ${last} are missing`,
      });
      afterGap = true;
    } else if (revision < stream.next) {
      this.flag(
        stream,
        revision,
        'reordered',
        `revision ${revision} comes after revision ${stream.next - 1n}`,
      );
    }
    stream.next = revision + 1n;
    stream.events += 1;

    if (hash === null) {
      this.flag(stream, revision, 'unhashed', 'the event carries no hash');
      stream.lastHash = null;
      return;
    }
    if (chainHash(previousHash, contentHash(link.content), link.streamName, revision) !== hash) {
      this.flag(stream, revision, 'hash_mismatch', 'the event does not hash to its recorded hash');
    }
    const isFirstRead = stream.events === 1 && !this.options.wholeStreams && revision > 0n;
    const expectedPrevious = revision === 0n ? null : stream.lastHash;
    if (!isFirstRead && previousHash !== expectedPrevious && !afterGap) {
      this.checkLink(stream, revision, previousHash);
    }
    const pointingHere = stream.awaited.get(hash);
    if (pointingHere !== undefined) {
      const detail = `revision ${pointingHere} was chained after revision ${revision}`;
      this.flag(stream, pointingHere, 'reordered', detail);
      this.flag(stream, revision, 'reordered', detail);
      stream.awaited.delete(hash);
    }
    remember(stream.seen, hash, revision);
    stream.lastHash = hash;
  }

  private checkLink(stream: StreamState, revision: bigint, previousHash: string | null): void {
    const predecessor = previousHash === null ? undefined : stream.seen.get(previousHash);
    // The predecessor sits earlier but was itself moved: the reorder explains this broken link.
    if (predecessor !== undefined && stream.flagged.get(predecessor)?.problem === 'reordered') return;
    if (predecessor === undefined && previousHash !== null) remember(stream.awaited, previousHash, revision);
    this.flag(
      stream,
      revision,
      'chain_broken',
      revision === 0n
        ? 'the first event of the stream names a predecessor'
        : `the event before it (revision ${revision - 1n}) is not the one this event was chained to`,
    );
  }

  private flag(stream: StreamState, revision: bigint, problem: IntegrityProblemKind, detail: string): void {
    const current = stream.flagged.get(revision);
    if (current && RANK[current.problem] >= RANK[problem]) return;
    stream.flagged.set(revision, { problem, detail });
    if (stream.flagged.size > WINDOW) {
      // A stream tampered with throughout: settle the oldest flag rather than hold them all.
      const [oldest, found] = stream.flagged.entries().next().value as [
        bigint,
        { problem: IntegrityProblemKind; detail: string },
      ];
      stream.flagged.delete(oldest);
      this.options.onProblem({ stream: stream.name, revision: oldest.toString(), ...found });
    }
  }

  private endStream(): void {
    const stream = this.stream;
    if (!stream) return;
    this.stream = null;
    const revisions = [...stream.flagged.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const revision of revisions) {
      const { problem, detail } = stream.flagged.get(revision)!;
      this.options.onProblem({ stream: stream.name, revision: revision.toString(), problem, detail });
    }
    this.options.onStreamEnd?.({
      stream: stream.name,
      firstRevision: stream.first,
      revision: stream.next - 1n,
      hash: stream.lastHash,
      events: stream.events,
    });
  }
}

function remember(map: Map<string, bigint>, hash: string, revision: bigint): void {
  map.set(hash, revision);
  if (map.size > WINDOW) map.delete(map.keys().next().value as string);
}
