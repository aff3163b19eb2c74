import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Personal API keys may expire; existing keys keep lasting until revoked. */
export class ApiKeyExpiry1732500000830 implements MigrationInterface {
  name = 'ApiKeyExpiry1732500000830';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE api_keys ADD COLUMN expires_at timestamptz`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE api_keys DROP COLUMN expires_at`);
  }
}
