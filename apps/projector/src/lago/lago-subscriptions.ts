import type { EntityManager } from 'typeorm';

export interface LagoAccount {
  externalSubscriptionId: string;
  externalCustomerId: string;
}

/** Lago ids of each user: the admin's mapping where there is one, else the user id for both. */
export async function lagoAccountsOf(
  db: Pick<EntityManager, 'query'>,
  userIds: readonly string[],
): Promise<(userId: string) => LagoAccount> {
  const rows: { user_id: string; external_subscription_id: string; external_customer_id: string | null }[] =
    await db.query(
      `SELECT user_id, external_subscription_id, external_customer_id
         FROM lago_subscriptions WHERE user_id = ANY($1::text[])`,
      [[...new Set(userIds)]],
    );
  const mapped = new Map(rows.map((row) => [row.user_id, row]));
  return (userId) => {
    const row = mapped.get(userId);
    return {
      externalSubscriptionId: row?.external_subscription_id ?? userId,
      externalCustomerId: row?.external_customer_id ?? userId,
    };
  };
}
