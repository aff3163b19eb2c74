import type { RecordedEvent as EsdbRecordedEvent } from '@eventstore/db-client';
import type { AppendResult, NewEvent } from '../event-store';
import { DuplicateEventIdError } from '../event-store';
import { positionOf } from './event-mapping';

/**
 * Decides, from the stream as stored, what an append is: the same append again (every id, contiguous
 * and in the same order), which answers with the first result; new (null); or a different append
 * reusing ids, which is an error.
 */
export function findPreviousAppend(
  streamName: string,
  stored: readonly EsdbRecordedEvent[],
  events: readonly NewEvent[],
): AppendResult | null {
  const ids = events.map((event) => event.id.toLowerCase());
  const indexById = new Map(stored.map((record, index) => [record.id.toLowerCase(), index]));
  const found = ids.filter((id) => indexById.has(id));
  if (found.length === 0) return null;

  const start = indexById.get(ids[0]);
  const isRetry =
    found.length === ids.length &&
    start !== undefined &&
    ids.every((id, offset) => indexById.get(id) === start + offset);
  const last = start === undefined ? undefined : stored[start + ids.length - 1];
  if (!isRetry || last === undefined) throw new DuplicateEventIdError(streamName, found);
  return { nextRevision: last.revision, position: positionOf(last) };
}
