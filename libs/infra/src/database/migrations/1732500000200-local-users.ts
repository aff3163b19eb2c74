import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LocalUsers1732500000200 implements MigrationInterface {
  name = 'LocalUsers1732500000200';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE hosts (
        host_id text PRIMARY KEY,
        name text NOT NULL,
        registered_at timestamptz NOT NULL,
        registered_by text NOT NULL,
        inventory jsonb,
        inventory_taken_at timestamptz
      )`);
    await runner.query(`
      CREATE TABLE local_users (
        host_id text NOT NULL,
        username text NOT NULL,
        shell text NOT NULL,
        full_name text NOT NULL,
        groups text[] NOT NULL,
        sudo boolean NOT NULL,
        has_password boolean NOT NULL,
        locked boolean NOT NULL,
        expires_on date,
        force_password_change boolean NOT NULL,
        force_requested_revision bigint,
        deleted boolean NOT NULL DEFAULT false,
        state text NOT NULL,
        last_change_revision bigint NOT NULL,
        last_outcome jsonb,
        created_at timestamptz NOT NULL,
        created_by text NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (host_id, username)
      )`);
    await runner.query(`
      CREATE TABLE local_user_ssh_keys (
        host_id text NOT NULL,
        username text NOT NULL,
        fingerprint text NOT NULL,
        type text NOT NULL,
        bits integer NOT NULL,
        comment text NOT NULL,
        options text NOT NULL,
        added_at timestamptz NOT NULL,
        added_by text NOT NULL,
        PRIMARY KEY (host_id, username, fingerprint)
      )`);
    // The audit trail of host changes: which host, which account, and how it ended.
    await runner.query(
      `ALTER TABLE audit_log ADD COLUMN host_id text, ADD COLUMN target_user text, ADD COLUMN outcome text`,
    );
    // Partial: most events (credits, requests) name no host, and need not pay for this index.
    await runner.query(
      `CREATE INDEX audit_log_host_user ON audit_log (host_id, target_user, occurred_at) WHERE host_id IS NOT NULL`,
    );
    await runner.query(`CREATE INDEX audit_log_action ON audit_log (action, occurred_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX audit_log_action`);
    await runner.query(`DROP INDEX audit_log_host_user`);
    await runner.query(
      `ALTER TABLE audit_log DROP COLUMN host_id, DROP COLUMN target_user, DROP COLUMN outcome`,
    );
    await runner.query(`DROP TABLE local_user_ssh_keys, local_users, hosts`);
  }
}
