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
    for (const { recorded, outcome } of finalStates(events)) {
      const { userId, subscriptionId } = outcome;
      const refused =
        outcome.plan === null
          ? await this.attempt(() => this.lago.terminateSubscription(subscriptionId))
          : await this.attempt(() =>
              this.lago.assignPlan(accountOf(userId).externalCustomerId, subscriptionId, outcome.plan!),
            );
      if (!refused) {
        if (outcome.activated) mapped.set(userId, subscriptionId);
        continue;
      }
      const reason =
        `Lago refused ${recorded.type} (${refused.status}): ${JSON.stringify(refused.body)}`.slice(0, 1_000);
      this.logger.error(`parked ${recorded.id}: ${reason}`);
      parked.push({
        eventId: recorded.id,
        kind: 'subscription',
        userId,
        reason,
        payload: { ...recorded.data },
        occurredAt: recorded.metadata.occurredAt,
      });
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

interface FinalState {
  userId: string;
  subscriptionId: string;
  /** The plan in force at the end of the batch; null once it ended. */
  plan: string | null;
  activated: boolean;
}

/**
 * Each subscription's state at the end of a batch, with the batch's last event about it. Only that
 * state goes to Lago: a batch sent again after a crash sends the same, rather than replaying plan
 * changes that Lago would take for a downgrade and an upgrade.
 */
function finalStates(events: readonly RecordedEvent[]): { recorded: RecordedEvent; outcome: FinalState }[] {
  const states = new Map<string, { recorded: RecordedEvent; outcome: FinalState }>();
  for (const recorded of events) {
    const event = { type: recorded.type, data: recorded.data } as SubscriptionEvent;
    const { userId, subscriptionId } = event.data;
    const earlier = states.get(subscriptionId)?.outcome;
    const base: FinalState = earlier ?? { userId, subscriptionId, plan: null, activated: false };
    let outcome: FinalState;
    if (event.type === 'SubscriptionActivated') outcome = { ...base, plan: event.data.tier, activated: true };
    else if (event.type === 'SubscriptionTierChanged' && event.data.reason !== 'ended')
      outcome = { ...base, plan: event.data.toTier };
    else if (event.type === 'SubscriptionEnded') outcome = { ...base, plan: null };
    else continue;
    states.set(subscriptionId, { recorded, outcome });
  }
  return [...states.values()];
}
