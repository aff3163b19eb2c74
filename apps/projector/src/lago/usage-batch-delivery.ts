import type { EventInputObject } from 'lago-javascript-client';
import { errorDetailsOf, LagoHttpError, onlyAlreadyExists } from './lago-errors';
import type { UsageItem } from './usage-event';

export type UsageOutcome =
  { item: UsageItem; status: 'delivered' | 'already_in_lago' } | { item: UsageItem; parked: string };

/** Lago's batch endpoint takes at most this many events per call. */
export const LAGO_BATCH_LIMIT = 100;

/** Sends events to Lago, retrying transient failures itself; throws only what Lago refused. */
export type SendBatch = (events: EventInputObject[]) => Promise<void>;

const REASON_LIMIT = 1_000;

function reasonOf(error: LagoHttpError, details: unknown): string {
  return `Lago refused the event (${error.status}): ${JSON.stringify(details ?? error.body)}`.slice(
    0,
    REASON_LIMIT,
  );
}

/** The per-event errors of a refused batch (`error_details` keyed by index), or null without them. */
function errorsByIndex(error: LagoHttpError, size: number): Map<number, unknown> | null {
  const details = errorDetailsOf(error.body);
  if (!details) return null;
  const entries = Object.entries(details);
  if (entries.length === 0 || !entries.every(([key]) => /^\d+$/.test(key) && Number(key) < size)) return null;
  return new Map(entries.map(([key, value]) => [Number(key), value]));
}

/**
 * Delivers a batch of at most LAGO_BATCH_LIMIT events. Lago stores a batch all or none: when it
 * names the events at fault, duplicates (`value_already_exist`) count as delivered, other faults are
 * parked, and the rest is sent again. When it names none, the batch is split in halves until the
 * poison event stands alone.
 */
export async function deliverUsageBatch(
  items: readonly UsageItem[],
  send: SendBatch,
): Promise<UsageOutcome[]> {
  if (items.length === 0) return [];
  try {
    await send(items.map((item) => item.lagoEvent));
    return items.map((item) => ({ item, status: 'delivered' }));
  } catch (error) {
    if (!(error instanceof LagoHttpError) || !error.isRefusal) throw error;
    return settleRefusal(items, error, send);
  }
}

async function settleRefusal(
  items: readonly UsageItem[],
  error: LagoHttpError,
  send: SendBatch,
): Promise<UsageOutcome[]> {
  const byIndex = errorsByIndex(error, items.length);
  if (byIndex) {
    const settled: UsageOutcome[] = [];
    const rest: UsageItem[] = [];
    items.forEach((item, index) => {
      const errors = byIndex.get(index);
      if (errors === undefined) rest.push(item);
      else if (onlyAlreadyExists(errors)) settled.push({ item, status: 'already_in_lago' });
      else settled.push({ item, parked: reasonOf(error, errors) });
    });
    return [...settled, ...(await deliverUsageBatch(rest, send))];
  }
  if (items.length === 1) {
    const details = errorDetailsOf(error.body);
    return onlyAlreadyExists(details)
      ? [{ item: items[0], status: 'already_in_lago' }]
      : [{ item: items[0], parked: reasonOf(error, details) }];
  }
  const half = Math.ceil(items.length / 2);
  return [
    ...(await deliverUsageBatch(items.slice(0, half), send)),
    ...(await deliverUsageBatch(items.slice(half), send)),
  ];
}
