import type { LagoDeliveryKind, LagoDeliveryStatus } from '@ops/infra/read-models';
import type { EntityManager } from 'typeorm';

type Db = Pick<EntityManager, 'query'>;

export interface DeliveryRecord {
  eventId: string;
  kind: LagoDeliveryKind;
  status: LagoDeliveryStatus;
  userId: string;
  transactionId: string;
  amountMicros: bigint;
  occurredAt: string;
  lagoWalletId: string | null;
  lagoId: string | null;
}

export interface ParkedRecord {
  eventId: string;
  kind: LagoDeliveryKind;
  userId: string;
  reason: string;
  payload: Record<string, unknown>;
  occurredAt: string;
}

/** The ids among `eventIds` already recorded as delivered, and the pending ones with their record. */
export async function deliveriesOf(
  db: Db,
  eventIds: readonly string[],
): Promise<Map<string, DeliveryRecord>> {
  const rows: {
    event_id: string;
    kind: LagoDeliveryKind;
    status: LagoDeliveryStatus;
    user_id: string;
    transaction_id: string;
    amount_micros: string;
    occurred_at: Date;
    lago_wallet_id: string | null;
    lago_id: string | null;
  }[] = await db.query('SELECT * FROM lago_deliveries WHERE event_id = ANY($1::uuid[])', [eventIds]);
  return new Map(
    rows.map((row) => [
      row.event_id,
      {
        eventId: row.event_id,
        kind: row.kind,
        status: row.status,
        userId: row.user_id,
        transactionId: row.transaction_id,
        amountMicros: BigInt(row.amount_micros),
        occurredAt: row.occurred_at.toISOString(),
        lagoWalletId: row.lago_wallet_id,
        lagoId: row.lago_id,
      },
    ]),
  );
}

/** Writes (or moves forward) delivery records; a record only ever goes from pending to done. */
export async function recordDeliveries(db: Db, records: readonly DeliveryRecord[]): Promise<void> {
  if (records.length === 0) return;
  await db.query(
    `INSERT INTO lago_deliveries
       (event_id, kind, status, user_id, transaction_id, amount_micros, occurred_at, lago_wallet_id, lago_id)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[],
                          $7::timestamptz[], $8::text[], $9::text[])
     ON CONFLICT (event_id) DO UPDATE
       SET status = EXCLUDED.status, lago_wallet_id = EXCLUDED.lago_wallet_id, lago_id = EXCLUDED.lago_id,
           updated_at = now()
       WHERE lago_deliveries.status = 'pending'`,
    [
      records.map((record) => record.eventId),
      records.map((record) => record.kind),
      records.map((record) => record.status),
      records.map((record) => record.userId),
      records.map((record) => record.transactionId),
      records.map((record) => record.amountMicros.toString()),
      records.map((record) => record.occurredAt),
      records.map((record) => record.lagoWalletId),
      records.map((record) => record.lagoId),
    ],
  );
}

export async function forgetPending(db: Db, eventId: string): Promise<void> {
  await db.query(`DELETE FROM lago_deliveries WHERE event_id = $1 AND status = 'pending'`, [eventId]);
}

/** Parks events with their reason; a replay that parks one again refreshes the reason. */
export async function recordParked(db: Db, records: readonly ParkedRecord[]): Promise<void> {
  if (records.length === 0) return;
  await db.query(
    `INSERT INTO lago_parked_events (event_id, kind, user_id, reason, payload, occurred_at)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::timestamptz[])
     ON CONFLICT (event_id) DO UPDATE SET reason = EXCLUDED.reason, parked_at = now()`,
    [
      records.map((record) => record.eventId),
      records.map((record) => record.kind),
      records.map((record) => record.userId),
      records.map((record) => record.reason),
      records.map((record) => JSON.stringify(record.payload)),
      records.map((record) => record.occurredAt),
    ],
  );
}
