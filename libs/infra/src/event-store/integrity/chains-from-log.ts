import type { ChainReadOptions, EventStore, RecordedEvent, StreamRevision } from '../event-store';
import { START } from '../event-store';
import { compareStreamNames } from './stream-heads-digest';

const PAGE = 1_000;
const PARALLEL_READS = 16;

type LogReads = Pick<EventStore, 'readAll' | 'readStream'>;

/**
 * `readChains` for a store that offers no list of its streams (EventStoreDB lists them only through
 * its system projections, which a deployment may disable): one pass over the log collects the names
 * in scope (memory grows with the number of streams, not events), then each stream is read from its
 * first event, in byte order of the names.
 */
export async function* chainsFromLog(
  store: LogReads,
  options: ChainReadOptions,
): AsyncGenerator<RecordedEvent[]> {
  const inScope = (event: RecordedEvent): boolean =>
    (options.upTo === undefined || event.position <= options.upTo) &&
    (options.stream === undefined || event.streamName === options.stream) &&
    (options.recordedFrom === undefined || event.recordedAt >= options.recordedFrom) &&
    (options.recordedBefore === undefined || event.recordedAt < options.recordedBefore);
  const prefix = options.stream ?? options.category;
  const names = new Set<string>();
  for (let from = START; ;) {
    const page = await store.readAll({
      from,
      maxCount: PAGE,
      filter: prefix === undefined ? undefined : { streamPrefixes: [prefix] },
    });
    for (const event of page) if (inScope(event)) names.add(event.streamName);
    const last = page.at(-1);
    if (!last || page.length < PAGE || (options.upTo !== undefined && last.position > options.upTo)) break;
    from = last.position;
  }
  for (const name of [...names].sort(compareStreamNames)) {
    for (let fromRevision = 0n; ;) {
      const events = await store.readStream(name, { fromRevision, maxCount: PAGE });
      const kept = events.filter(inScope);
      if (kept.length > 0) yield kept;
      const last = events.at(-1);
      if (!last || events.length < PAGE || (options.upTo !== undefined && last.position > options.upTo))
        break;
      fromRevision = last.revision + 1n;
    }
  }
}

/** `readRevisions` as one stream read per revision, a few at a time. */
export async function revisionsFromStreams(
  store: Pick<EventStore, 'readStream'>,
  revisions: readonly StreamRevision[],
): Promise<(RecordedEvent | null)[]> {
  const found: (RecordedEvent | null)[] = revisions.map(() => null);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < revisions.length; index = next++) {
      const { streamName, revision } = revisions[index];
      const [event] = await store.readStream(streamName, { fromRevision: revision, maxCount: 1 });
      found[index] = event?.revision === revision ? event : null;
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, revisions.length) }, worker));
  return found;
}
