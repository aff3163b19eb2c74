import { Logger } from '@nestjs/common';
import { CREDIT_ACCOUNT_CATEGORY, type CreditsPurchased } from '@ops/domain';
import type { EventFilter, RecordedEvent } from '@ops/infra/event-store/event-store';
import type { Projection } from '@ops/infra/projections/projection';
import type { DataSource, EntityManager } from 'typeorm';
import type { LagoApi } from './lago-api';
import { LagoHttpError } from './lago-errors';
import {
  deliveriesOf,
  forgetPending,
  recordDeliveries,
  recordParked,
  type DeliveryRecord,
  type ParkedRecord,
} from './lago-records';
import { lagoAccountsOf } from './lago-subscriptions';
import type { TransientRetry } from './retry';
import { walletCreditsFor } from './wallet-credits';

export const LAGO_WALLET_SYNC_NAME = 'lago-sync:wallet';

type Purchase = CreditsPurchased['data'];

/**
 * Turns each credit purchase into a top-up of the customer's Lago wallet. Lago has no idempotency
 * key for top-ups, so we keep our own: before the call a `pending` record is committed on its own
 * (outside the batch, so a rollback cannot erase it), and the top-up carries our event id in its
 * metadata. A crash between Lago's answer and our commit leaves the record pending; the next attempt
 * then looks for the marked top-up in the wallet before sending anything, so a purchase tops up once.
 */
export class LagoWalletSync implements Projection {
  readonly name = LAGO_WALLET_SYNC_NAME;
  readonly filter: EventFilter = {
    streamPrefixes: [CREDIT_ACCOUNT_CATEGORY],
    eventTypes: ['CreditsPurchased'],
  };
  private readonly logger = new Logger('LagoWalletSync');

  constructor(
    private readonly lago: Pick<LagoApi, 'activeWallet' | 'topUp' | 'findTopUp'>,
    private readonly retry: TransientRetry,
    /** Pending and delivered records commit here, each on its own, never with the batch. */
    private readonly db: DataSource,
  ) {}

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const known = await deliveriesOf(
      this.db,
      events.map((event) => event.id),
    );
    const accountOf = await lagoAccountsOf(
      this.db,
      events.map((event) => String(event.data.userId)),
    );
    const parked: ParkedRecord[] = [];
    for (const event of events) {
      const earlier = known.get(event.id);
      if (earlier && earlier.status !== 'pending') continue;
      const purchase = event.data as Purchase;
      const problem = await this.topUpOnce(
        event,
        purchase,
        accountOf(purchase.userId).externalCustomerId,
        earlier,
      );
      if (problem) {
        this.logger.error(`parked wallet top-up ${event.id}: ${problem}`);
        parked.push({
          eventId: event.id,
          kind: 'wallet_top_up',
          userId: purchase.userId,
          reason: problem,
          payload: { ...purchase },
          occurredAt: event.metadata.occurredAt,
        });
      }
    }
    await recordParked(tx, parked);
  }

  /** Tops the wallet up unless it already was; returns why it cannot be, for parking. */
  private async topUpOnce(
    event: RecordedEvent,
    purchase: Purchase,
    customerId: string,
    pending: DeliveryRecord | undefined,
  ): Promise<string | null> {
    if (pending?.lagoWalletId) {
      const walletId = pending.lagoWalletId;
      const lagoId = await this.retry.run(() => this.lago.findTopUp(walletId, event.id));
      if (lagoId) {
        await recordDeliveries(this.db, [{ ...pending, status: 'delivered', lagoId }]);
        return null;
      }
    }
    const wallet = await this.retry.run(() => this.lago.activeWallet(customerId));
    if (!wallet) return `customer ${customerId} has no active wallet in Lago`;
    const credits = walletCreditsFor(BigInt(purchase.amountMicros), wallet.rate_amount);
    if (!credits)
      return `${purchase.amountMicros} micro-USD is no exact number of credits at rate ${wallet.rate_amount}`;

    const record: DeliveryRecord = {
      eventId: event.id,
      kind: 'wallet_top_up',
      status: 'pending',
      userId: purchase.userId,
      transactionId: purchase.externalId,
      amountMicros: BigInt(purchase.amountMicros),
      occurredAt: event.metadata.occurredAt,
      lagoWalletId: wallet.lago_id,
      lagoId: null,
    };
    await recordDeliveries(this.db, [record]);
    try {
      // A failed call may still have topped up (the answer was lost): every retry looks first.
      let sent = false;
      const lagoId = await this.retry.run(async () => {
        const earlier = sent ? await this.lago.findTopUp(wallet.lago_id, event.id) : null;
        if (earlier) return earlier;
        sent = true;
        return this.lago.topUp(wallet.lago_id, credits, `Credits purchase: ${purchase.package}`, event.id);
      });
      await recordDeliveries(this.db, [{ ...record, status: 'delivered', lagoId }]);
      return null;
    } catch (error) {
      if (!(error instanceof LagoHttpError) || !error.isRefusal) throw error;
      // Refused means not created: nothing can be pending in Lago for it.
      await forgetPending(this.db, event.id);
      return `Lago refused the top-up (${error.status}): ${JSON.stringify(error.body)}`.slice(0, 1_000);
    }
  }

  /** A rebuild retries parked top-ups; delivered ones are skipped by their records. */
  async reset(tx: EntityManager): Promise<void> {
    await tx.query(`DELETE FROM lago_parked_events WHERE kind = 'wallet_top_up'`);
  }
}
