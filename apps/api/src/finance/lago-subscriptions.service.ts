import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface LagoSubscriptionView {
  user_id: string;
  external_subscription_id: string;
  external_customer_id: string;
  updated_by: string;
  updated_at: string;
}

/** The admin's mapping of a user to the Lago subscription (and customer) that bills them. */
@Injectable()
export class LagoSubscriptionsService {
  constructor(private readonly db: DataSource) {}

  async put(
    userId: string,
    externalSubscriptionId: string,
    externalCustomerId: string | undefined,
    actor: string,
  ): Promise<LagoSubscriptionView> {
    const [row]: {
      user_id: string;
      external_subscription_id: string;
      external_customer_id: string | null;
      updated_by: string;
      updated_at: Date;
    }[] = await this.db.query(
      `INSERT INTO lago_subscriptions (user_id, external_subscription_id, external_customer_id, updated_by, updated_at)
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (user_id) DO UPDATE
         SET external_subscription_id = EXCLUDED.external_subscription_id,
             external_customer_id = EXCLUDED.external_customer_id,
             updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING *`,
      [userId, externalSubscriptionId, externalCustomerId ?? null, actor],
    );
    return {
      user_id: row.user_id,
      external_subscription_id: row.external_subscription_id,
      external_customer_id: row.external_customer_id ?? row.user_id,
      updated_by: row.updated_by,
      updated_at: row.updated_at.toISOString(),
    };
  }

  /** The Lago subscription of each of these users that has one mapped. */
  async externalSubscriptionIds(userIds: readonly string[]): Promise<Map<string, string>> {
    if (userIds.length === 0) return new Map();
    const rows: { user_id: string; external_subscription_id: string }[] = await this.db.query(
      'SELECT user_id, external_subscription_id FROM lago_subscriptions WHERE user_id = ANY($1::text[])',
      [userIds],
    );
    return new Map(rows.map((row) => [row.user_id, row.external_subscription_id]));
  }
}
