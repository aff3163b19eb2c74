import { Client, type EventInputObject, type WalletObject } from 'lago-javascript-client';
import { LagoHttpError, LagoUnreachableError } from './lago-errors';

type LagoClient = ReturnType<typeof Client>;

/** Marks a wallet top-up as ours: the metadata key holding the id of the event it comes from. */
export const TOP_UP_MARKER_KEY = 'ops_event_id';

/** Lago's answers that are not a 2xx arrive as thrown Response objects; network failures as errors. */
function isResponse(value: unknown): value is Response & { error: unknown } {
  return typeof value === 'object' && value !== null && 'status' in value && 'ok' in value;
}

/** The few Lago calls the sync makes, through the official client, each with a deadline. */
export class LagoApi {
  private readonly client: LagoClient;

  constructor(
    baseUrl: string,
    apiKey: string,
    private readonly timeoutMs: number,
  ) {
    this.client = Client(apiKey, { baseUrl: baseUrl.replace(/\/+$/, '') });
  }

  /** `POST /events/batch`: up to 100 usage events, stored all or none. */
  async sendUsageBatch(events: EventInputObject[]): Promise<void> {
    await this.call('events/batch', () => this.client.events.createBatchEvents({ events }, this.params()));
  }

  /** The customer's active wallet (`GET /wallets?external_customer_id=`); null when it has none. */
  async activeWallet(externalCustomerId: string): Promise<WalletObject | null> {
    try {
      const response = await this.call('wallets', () =>
        this.client.wallets.findAllWallets(
          { external_customer_id: externalCustomerId, per_page: 100 },
          this.params(),
        ),
      );
      return response.data.wallets.find((wallet) => wallet.status === 'active') ?? null;
    } catch (error) {
      // Lago answers 404 when it does not know the customer: no wallet to top up either.
      if (error instanceof LagoHttpError && error.status === 404) return null;
      throw error;
    }
  }

  /** `POST /wallet_transactions`: paid credits, marked with our event id; returns Lago's id for it. */
  async topUp(walletId: string, paidCredits: string, name: string, eventId: string): Promise<string | null> {
    const response = await this.call('wallet_transactions', () =>
      this.client.walletTransactions.createWalletTransaction(
        {
          wallet_transaction: {
            wallet_id: walletId,
            paid_credits: paidCredits,
            name,
            metadata: [{ key: TOP_UP_MARKER_KEY, value: eventId }],
          },
        },
        this.params(),
      ),
    );
    const inbound = response.data.wallet_transactions.find((entry) => entry.transaction_type === 'inbound');
    return inbound?.lago_id ?? null;
  }

  /** Lago's id of the top-up marked with `eventId`, or null when the wallet holds none. */
  async findTopUp(walletId: string, eventId: string): Promise<string | null> {
    for (let page = 1; ; page++) {
      const response = await this.call('wallet transactions', () =>
        this.client.wallets.findAllWalletTransactions(
          walletId,
          { transaction_type: 'inbound', per_page: 100, page },
          this.params(),
        ),
      );
      const found = response.data.wallet_transactions.find((entry) =>
        entry.metadata?.some((pair) => pair.key === TOP_UP_MARKER_KEY && pair.value === eventId),
      );
      if (found) return found.lago_id;
      if (!response.data.meta.next_page) return null;
    }
  }

  /**
   * `POST /subscriptions`: assigns the plan to the subscription with our external id, creating it or,
   * when it exists, changing its plan (Lago's way to upgrade or downgrade).
   */
  async assignPlan(externalCustomerId: string, externalId: string, planCode: string): Promise<void> {
    await this.call('subscriptions', () =>
      this.client.subscriptions.createSubscription(
        {
          subscription: {
            external_customer_id: externalCustomerId,
            external_id: externalId,
            plan_code: planCode,
          },
        },
        this.params(),
      ),
    );
  }

  /** `DELETE /subscriptions/:external_id`: terminates it; one Lago no longer has is already ended. */
  async terminateSubscription(externalId: string): Promise<void> {
    try {
      await this.call('subscriptions', () =>
        this.client.subscriptions.destroySubscription(externalId, {}, this.params()),
      );
    } catch (error) {
      if (error instanceof LagoHttpError && error.status === 404) return;
      throw error;
    }
  }

  private params(): { signal: AbortSignal } {
    return { signal: AbortSignal.timeout(this.timeoutMs) };
  }

  private async call<T>(operation: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (isResponse(error)) throw new LagoHttpError(error.status, error.error, operation);
      throw new LagoUnreachableError(operation, error);
    }
  }
}
