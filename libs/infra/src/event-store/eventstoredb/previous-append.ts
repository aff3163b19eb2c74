import type { AppendResult } from '../event-store';
import { DuplicateEventIdError } from '../event-store';
import { encodeEsdbPosition, type PositionedRecord } from './event-mapping';

/**
 * Decides, from part of the stream as stored, what an append is: the same append again (every id,
 * contiguous and in the same order), which answers with the first result; new (null); or a different
 * append reusing ids, which is an error.
 */
export function findPreviousAppend(
  streamName: string,
  stored: readonly PositionedRecord[],
  ids: readonly string[],
): AppendResult | null {
  const wanted = ids.map((id) => id.toLowerCase());
  const indexById = new Map(stored.map((record, index) => [record.id.toLowerCase(), index]));
  const found = ids.filter((id) => indexById.has(id.toLowerCase()));
  if (found.length === 0) return null;

  const start = indexById.get(wanted[0]);
  const isRetry =
    found.length === ids.length &&
    start !== undefined &&
    wanted.every((id, offset) => indexById.get(id) === start + offset);
  const last = start === undefined ? undefined : stored[start + ids.length - 1];
  if (!isRetry || last === undefined) throw new DuplicateEventIdError(streamName, found);
  return { nextRevision: last.revision, position: encodeEsdbPosition(last.position) };
}

/**
 * Where an identical append would start if some of its ids sit in the records read: reading from
 * there as well shows it whole, so that a window cutting through it is not taken for reused ids.
 */
export function earliestStart(stored: readonly PositionedRecord[], ids: readonly string[]): bigint | null {
  const offsets = new Map(ids.map((id, offset) => [id.toLowerCase(), BigInt(offset)]));
  let earliest: bigint | null = null;
  for (const record of stored) {
    const offset = offsets.get(record.id.toLowerCase());
    if (offset === undefined) continue;
    const start = record.revision - offset;
    if (earliest === null || start < earliest) earliest = start;
  }
  return earliest;
}
