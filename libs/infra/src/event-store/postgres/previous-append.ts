import type { AppendResult } from '../event-store';
import { DuplicateEventIdError } from '../event-store';
import type { AppendRequest } from './append-batch';
import type { Queryable } from './event-rows';
import { positionOf } from './event-rows';

interface StoredIdRow {
  event_id: string;
  stream_name: string;
  revision: string;
  transaction_id: string;
  global_position: string;
}

/**
 * Decides what an append whose ids may already be stored was: the same append again (every id, in
 * this stream, contiguous and in the same order), which answers with the first result; nothing
 * (null, none of the ids exist); or a different append reusing ids, which is an error. Only asked
 * after a conflict or a unique violation, so the common path pays nothing for idempotency.
 */
export async function findPreviousAppend(
  db: Queryable,
  request: AppendRequest,
): Promise<AppendResult | null> {
  const ids = request.events.map((event) => event.id.toLowerCase());
  const result = await db.query<StoredIdRow>({
    name: 'event-store:find-ids',
    text: `SELECT event_id::text AS event_id, stream_name, revision::text AS revision,
                  transaction_id::text AS transaction_id, global_position::text AS global_position
             FROM events
            WHERE event_id = ANY ($1::uuid[])`,
    values: [ids],
  });
  if (result.rows.length === 0) return null;

  const stored = new Map(result.rows.map((row) => [row.event_id, row]));
  const inOrder = ids.map((id) => stored.get(id));
  const first = inOrder[0];
  const isRetry =
    first !== undefined &&
    inOrder.every(
      (row, index) =>
        row !== undefined &&
        row.stream_name === request.streamName &&
        BigInt(row.revision) === BigInt(first.revision) + BigInt(index),
    );
  const last = inOrder.at(-1);
  if (isRetry && last !== undefined) {
    return {
      nextRevision: BigInt(last.revision),
      position: positionOf(last.transaction_id, last.global_position),
    };
  }
  throw new DuplicateEventIdError(
    request.streamName,
    ids.filter((id) => stored.has(id)),
  );
}
