import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Personal API keys may expire (existing keys keep lasting until revoked); deactivated people may not sign in. */
export class ApiKeyExpiryAndDeactivation1732500000830 implements MigrationInterface {
  name = 'ApiKeyExpiryAndDeactivation1732500000830';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE api_keys ADD COLUMN expires_at timestamptz`);
    // Every authenticated request looks its subject up here: the primary key is that lookup.
    await runner.query(`
      CREATE TABLE deactivated_subjects (
        subject text PRIMARY KEY,
        deactivated_by text NOT NULL,
        deactivated_at timestamptz NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE deactivated_subjects`);
    await runner.query(`ALTER TABLE api_keys DROP COLUMN expires_at`);
  }
}
