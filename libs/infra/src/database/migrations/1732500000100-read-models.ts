import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReadModels1732500000100 implements MigrationInterface {
  name = 'ReadModels1732500000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE projection_checkpoints (
        name text PRIMARY KEY,
        position text NOT NULL,
        events_processed bigint NOT NULL DEFAULT 0,
        last_event_recorded_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE credit_balances (
        user_id text PRIMARY KEY,
        balance_micros bigint NOT NULL CHECK (balance_micros >= 0),
        last_revision bigint NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE credit_transactions (
        event_id uuid PRIMARY KEY,
        user_id text NOT NULL,
        stream_revision bigint NOT NULL,
        kind text NOT NULL,
        amount_micros bigint NOT NULL,
        balance_after_micros bigint NOT NULL,
        reason text NOT NULL,
        actor text NOT NULL,
        occurred_at timestamptz NOT NULL
      )`);
    await runner.query(
      `CREATE UNIQUE INDEX credit_transactions_user_history ON credit_transactions (user_id, stream_revision)`,
    );
    await runner.query(`
      CREATE TABLE audit_log (
        event_id uuid PRIMARY KEY,
        global_position text NOT NULL,
        stream_name text NOT NULL,
        stream_revision bigint NOT NULL,
        event_type text NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        correlation_id text NOT NULL,
        source text NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL
      )`);
    // Few, narrow indexes: every one is paid on each projected event (see the projector benchmark).
    await runner.query(`CREATE INDEX audit_log_actor ON audit_log (actor, occurred_at)`);
    await runner.query(`CREATE INDEX audit_log_stream ON audit_log (stream_name, stream_revision)`);
    await runner.query(`CREATE INDEX audit_log_occurred_at ON audit_log (occurred_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE audit_log, credit_transactions, credit_balances, projection_checkpoints`);
  }
}
