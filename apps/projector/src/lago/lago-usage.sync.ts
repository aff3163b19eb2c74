import { Logger } from '@nestjs/common';
import { asRequestCompleted, REQUEST_COMPLETION_SOURCES } from '@ops/domain';
import type { EventFilter, RecordedEvent } from '@ops/infra/event-store/event-store';
import type { Projection } from '@ops/infra/projections/projection';
import type { EntityManager } from 'typeorm';
import type { LagoApi } from './lago-api';
import {
  deliveriesOf,
  recordDeliveries,
  recordParked,
  type DeliveryRecord,
  type ParkedRecord,
} from './lago-records';
import { lagoAccountsOf } from './lago-subscriptions';
import type { TransientRetry } from './retry';
import { deliverUsageBatch, LAGO_BATCH_LIMIT, type UsageOutcome } from './usage-batch-delivery';
import { toUsageItem, type UsageItem } from './usage-event';

export const LAGO_USAGE_SYNC_NAME = 'lago-sync:usage';

function timeOf(event: RecordedEvent): string {
  const occurredAt = event.metadata.occurredAt;
  return Number.isNaN(Date.parse(occurredAt)) ? event.recordedAt.toISOString() : occurredAt;
}

function deliveryRecord(outcome: UsageOutcome & { status: string }): DeliveryRecord {
  const { item } = outcome;
  return {
    eventId: item.eventId,
    kind: 'usage',
    status: outcome.status === 'delivered' ? 'delivered' : 'already_in_lago',
    userId: item.userId,
    transactionId: item.lagoEvent.transaction_id,
    amountMicros: item.costMicros,
    occurredAt: item.occurredAt,
    lagoWalletId: null,
    lagoId: null,
  };
}

function parkedRecord(item: UsageItem, reason: string): ParkedRecord {
  return {
    eventId: item.eventId,
    kind: 'usage',
    userId: item.userId,
    reason,
    payload: { ...item.lagoEvent },
    occurredAt: item.occurredAt,
  };
}

/**
 * Pushes every completed request to Lago as a usage event. It runs as a projection: the runtime
 * commits its checkpoint with the delivery records after Lago accepted the batch, so a crash in
 * between sends the batch again, and Lago's duplicate answer for our deterministic transaction ids
 * (`value_already_exist`) makes that resend harmless. All Lago calls happen before the first write,
 * so a Lago outage never keeps a write transaction open (which would hold back every subscriber).
 */
export class LagoUsageSync implements Projection {
  readonly name = LAGO_USAGE_SYNC_NAME;
  readonly filter: EventFilter = REQUEST_COMPLETION_SOURCES;
  private readonly logger = new Logger('LagoUsageSync');

  constructor(
    private readonly lago: Pick<LagoApi, 'sendUsageBatch'>,
    private readonly retry: TransientRetry,
    private readonly metricCode: string,
  ) {}

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const completions = events.flatMap((event) => asRequestCompleted(event) ?? []);
    // A replay after a rebuild skips what Lago already has from us.
    const known = await deliveriesOf(
      tx,
      completions.map((event) => event.id),
    );
    const fresh = completions.filter((event) => !known.has(event.id));
    const accountOf = await lagoAccountsOf(
      tx,
      fresh.map((event) => String(event.data.userId)),
    );
    const items: UsageItem[] = [];
    const parked: ParkedRecord[] = [];
    for (const event of fresh) {
      const mapped = toUsageItem(
        event,
        (userId) => accountOf(userId).externalSubscriptionId,
        this.metricCode,
      );
      if ('problem' in mapped) {
        parked.push({
          eventId: event.id,
          kind: 'usage',
          userId: mapped.userId,
          reason: `malformed event: ${mapped.problem}`,
          payload: event.data,
          occurredAt: timeOf(event),
        });
      } else {
        items.push(mapped);
      }
    }

    const outcomes: UsageOutcome[] = [];
    for (let start = 0; start < items.length; start += LAGO_BATCH_LIMIT) {
      const batch = items.slice(start, start + LAGO_BATCH_LIMIT);
      outcomes.push(
        ...(await deliverUsageBatch(batch, (lagoEvents) =>
          this.retry.run(() => this.lago.sendUsageBatch(lagoEvents)),
        )),
      );
    }
    for (const outcome of outcomes) {
      if ('parked' in outcome) parked.push(parkedRecord(outcome.item, outcome.parked));
    }
    for (const record of parked) this.logger.error(`parked usage event ${record.eventId}: ${record.reason}`);

    await recordDeliveries(
      tx,
      outcomes.flatMap((outcome) => ('status' in outcome ? [deliveryRecord(outcome)] : [])),
    );
    await recordParked(tx, parked);
  }

  /** A rebuild retries what was parked; delivery records stay, as they describe what Lago holds. */
  async reset(tx: EntityManager): Promise<void> {
    await tx.query(`DELETE FROM lago_parked_events WHERE kind = 'usage'`);
  }
}
