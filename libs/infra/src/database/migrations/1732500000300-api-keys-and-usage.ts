import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiKeysAndUsage1732500000300 implements MigrationInterface {
  name = 'ApiKeysAndUsage1732500000300';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE api_keys (
        key_id uuid PRIMARY KEY,
        user_id text NOT NULL,
        name text NOT NULL,
        prefix text NOT NULL,
        secret_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    // Every gateway call presenting a key is one lookup on this index.
    await runner.query(`CREATE UNIQUE INDEX api_keys_secret_hash ON api_keys (secret_hash)`);
    await runner.query(`CREATE INDEX api_keys_owner ON api_keys (user_id, created_at)`);
    await runner.query(`
      CREATE TABLE usage_log (
        request_id text PRIMARY KEY,
        user_id text NOT NULL,
        provider text NOT NULL,
        model text NOT NULL,
        byok boolean NOT NULL,
        tier text NOT NULL,
        status text NOT NULL CHECK (status IN ('completed', 'failed')),
        input_tokens integer NOT NULL CHECK (input_tokens >= 0),
        output_tokens integer NOT NULL CHECK (output_tokens >= 0),
        cost_micros bigint NOT NULL CHECK (cost_micros >= 0),
        list_cost_micros bigint NOT NULL CHECK (list_cost_micros >= 0),
        latency_ms integer NOT NULL,
        streamed boolean NOT NULL,
        error_code text,
        occurred_at timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX usage_log_user_time ON usage_log (user_id, occurred_at)`);
    await runner.query(`CREATE INDEX usage_log_time ON usage_log (occurred_at)`);
    await runner.query(`
      CREATE TABLE usage_daily (
        user_id text NOT NULL,
        day date NOT NULL,
        provider text NOT NULL,
        model text NOT NULL,
        byok boolean NOT NULL,
        requests bigint NOT NULL,
        failed_requests bigint NOT NULL,
        input_tokens bigint NOT NULL,
        output_tokens bigint NOT NULL,
        cost_micros bigint NOT NULL,
        list_cost_micros bigint NOT NULL,
        PRIMARY KEY (user_id, day, provider, model, byok)
      )`);
    // The primary key serves one user's range; this one serves the all-users view of admins and billing.
    await runner.query(`CREATE INDEX usage_daily_day ON usage_daily (day)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE usage_daily, usage_log, api_keys`);
  }
}
