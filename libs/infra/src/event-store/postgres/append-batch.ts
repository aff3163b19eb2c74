import type { QueryConfig } from 'pg';
import type { AppendResult, ExpectedRevision, NewEvent } from '../event-store';
import { contentHash } from '../integrity/event-hashes';
import type { Queryable } from './event-rows';
import { positionOf } from './event-rows';

export interface AppendRequest {
  streamName: string;
  events: readonly NewEvent[];
  expected: ExpectedRevision;
  /** Part of a multi-stream append: a conflict fails the whole batch (SQLSTATE OC409). */
  atomic?: boolean;
}

export type AppendOutcome =
  | { kind: 'appended'; result: AppendResult }
  /** The stream was not where the request expected it: `actual` is its revision, -1n when absent. */
  | { kind: 'conflict'; actual: bigint };

interface OutcomeRow {
  ordinal: number;
  actual_revision: string;
  next_revision: string | null;
  last_transaction_id: string | null;
  last_global_position: string | null;
}

/**
 * The `append_events` call for a batch of appends, in the given order. Exported so that a caller
 * can append inside a transaction of its own (the conformance suite holds one open on purpose).
 * Each event carries its content hash; the function chains it to the stream under the stream lock.
 */
export function appendBatchQuery(requests: readonly AppendRequest[]): QueryConfig {
  const atomically = requests.some((request) => request.atomic === true);
  const appends = requests.map(({ streamName, events, expected, atomic }) => ({
    stream: streamName,
    atomic: atomic === true ? true : undefined,
    kind: typeof expected === 'bigint' ? 'revision' : expected,
    revision: typeof expected === 'bigint' ? expected.toString() : undefined,
    events: events.map((event) => ({
      id: event.id,
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data,
      metadata: event.metadata,
      contentHash: contentHash(event),
    })),
  }));
  return {
    name: atomically ? 'event-store:append-atomically' : 'event-store:append',
    text: `SELECT ordinal, actual_revision::text AS actual_revision, next_revision::text AS next_revision,
                  last_transaction_id::text AS last_transaction_id,
                  last_global_position::text AS last_global_position
             FROM ${atomically ? 'append_events_atomically' : 'append_events'}($1::jsonb)`,
    values: [JSON.stringify(appends)],
  };
}

/** Outcomes in the order of `requests`; the whole batch is one transaction. */
export async function executeAppendBatch(
  db: Queryable,
  requests: readonly AppendRequest[],
): Promise<AppendOutcome[]> {
  const result = await db.query<OutcomeRow>(appendBatchQuery(requests));
  const outcomes: AppendOutcome[] = new Array<AppendOutcome>(requests.length);
  for (const row of result.rows) outcomes[row.ordinal - 1] = toOutcome(row);
  return outcomes;
}

function toOutcome(row: OutcomeRow): AppendOutcome {
  if (row.next_revision === null || row.last_transaction_id === null || row.last_global_position === null) {
    return { kind: 'conflict', actual: BigInt(row.actual_revision) };
  }
  return {
    kind: 'appended',
    result: {
      nextRevision: BigInt(row.next_revision),
      position: positionOf(row.last_transaction_id, row.last_global_position),
    },
  };
}
