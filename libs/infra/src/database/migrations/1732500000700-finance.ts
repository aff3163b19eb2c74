import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What the Lago sync delivered, what it parked, and which Lago subscription bills each user. */
export class Finance1732500000700 implements MigrationInterface {
  name = 'Finance1732500000700';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE lago_subscriptions (
        user_id text PRIMARY KEY,
        external_subscription_id text NOT NULL,
        external_customer_id text,
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One row per event that reached Lago (or that Lago already had). A wallet top-up is `pending`
    // from just before its call until Lago's answer is known: see apps/projector/src/lago.
    await runner.query(`
      CREATE TABLE lago_deliveries (
        event_id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('usage', 'wallet_top_up')),
        status text NOT NULL CHECK (status IN ('pending', 'delivered', 'already_in_lago')),
        user_id text NOT NULL,
        transaction_id text NOT NULL,
        amount_micros bigint NOT NULL,
        occurred_at timestamptz NOT NULL,
        lago_wallet_id text,
        lago_id text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX lago_deliveries_occurred_at ON lago_deliveries (kind, occurred_at)`);
    await runner.query(`
      CREATE TABLE lago_parked_events (
        event_id uuid PRIMARY KEY,
        kind text NOT NULL,
        user_id text NOT NULL,
        reason text NOT NULL,
        payload jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        parked_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE lago_parked_events, lago_deliveries, lago_subscriptions`);
  }
}
