import { Logger } from '@nestjs/common';
import { SUBSCRIPTION_CATEGORY, type SubscriptionEvent } from '@ops/domain';
import type { EventFilter, RecordedEvent } from '@ops/infra/event-store/event-store';
import type { Projection } from '@ops/infra/projections/projection';
import type { EntityManager } from 'typeorm';
import type { LagoApi } from './lago-api';
import { LagoHttpError } from './lago-errors';
import { recordParked, type ParkedRecord } from './lago-records';
import { lagoAccountsOf } from './lago-subscriptions';
import type { TransientRetry } from './retry';

export const LAGO_SUBSCRIPTION_SYNC_NAME = 'lago-sync:subscriptions';

/**
 * Mirrors each paid subscription in Lago: the Stripe subscription's id is the Lago subscription's
 * external id and the tier in force its plan code, so Lago bills usage against the plan the user
 * pays for. The user's usage mapping (`lago_subscriptions`) is pointed at it in the batch's
 * transaction. Assigning a plan is idempotent in Lago (the same external id and plan change nothing),
 * so a batch sent again after a crash is harmless; what Lago refuses is parked.
 */
export class LagoSubscriptionSync implements Projection {
  readonly name = LAGO_SUBSCRIPTION_SYNC_NAME;
  readonly filter: EventFilter = {
    streamPrefixes: [SUBSCRIPTION_CATEGORY],
    eventTypes: ['SubscriptionActivated', 'SubscriptionTierChanged', 'SubscriptionEnded'],
  };
  private readonly logger = new Logger('LagoSubscriptionSync');

  constructor(
    private readonly lago: Pick<LagoApi, 'assignPlan' | 'terminateSubscription'>,
    private readonly retry: TransientRetry,
  ) {}

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const accountOf = await lagoAccountsOf(
      tx,
      events.map((event) => String(event.data.userId)),
    );
    const parked: ParkedRecord[] = [];
    const mapped = new Map<string, string>();
    for (const recorded of events) {
      const event = { type: recorded.type, data: recorded.data } as SubscriptionEvent;
      const { userId, subscriptionId } = event.data;
      const customerId = accountOf(userId).externalCustomerId;
      let refused: LagoHttpError | null = null;
      if (event.type === 'SubscriptionActivated') {
        refused = await this.attempt(() => this.lago.assignPlan(customerId, subscriptionId, event.data.tier));
        if (!refused) mapped.set(userId, subscriptionId);
      } else if (event.type === 'SubscriptionTierChanged' && event.data.reason !== 'ended') {
        refused = await this.attempt(() =>
          this.lago.assignPlan(customerId, subscriptionId, event.data.toTier),
        );
      } else if (event.type === 'SubscriptionEnded') {
        refused = await this.attempt(() => this.lago.terminateSubscription(subscriptionId));
      }
      if (refused) {
        const reason =
          `Lago refused ${event.type} (${refused.status}): ${JSON.stringify(refused.body)}`.slice(0, 1_000);
        this.logger.error(`parked ${recorded.id}: ${reason}`);
        parked.push({
          eventId: recorded.id,
          kind: 'subscription',
          userId,
          reason,
          payload: { ...event.data },
          occurredAt: recorded.metadata.occurredAt,
        });
      }
    }
    for (const [userId, subscriptionId] of mapped) {
      await tx.query(
        `INSERT INTO lago_subscriptions (user_id, external_subscription_id, external_customer_id, updated_by, updated_at)
         VALUES ($1, $2, NULL, 'stripe', now())
         ON CONFLICT (user_id) DO UPDATE
           SET external_subscription_id = EXCLUDED.external_subscription_id, updated_by = 'stripe', updated_at = now()`,
        [userId, subscriptionId],
      );
    }
    await recordParked(tx, parked);
  }

  /**
   * One Lago call, retried while Lago is unavailable; its refusal, returned for parking. An unknown
   * customer (404) is a refusal too: sending again will not create it.
   */
  private async attempt(call: () => Promise<void>): Promise<LagoHttpError | null> {
    return this.retry.run(async () => {
      try {
        await call();
        return null;
      } catch (error) {
        if (error instanceof LagoHttpError && (error.isRefusal || error.status === 404)) return error;
        throw error;
      }
    });
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query(`DELETE FROM lago_parked_events WHERE kind = 'subscription'`);
  }
}
