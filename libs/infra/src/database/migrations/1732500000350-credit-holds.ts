import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Open credit holds, one row per reservation until it is released: what the expiry sweeper scans to
 * find accounts whose requests never settled (a crashed process), without reading every account.
 */
export class CreditHolds1732500000350 implements MigrationInterface {
  name = 'CreditHolds1732500000350';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE credit_holds (
        reservation_id text PRIMARY KEY,
        user_id text NOT NULL,
        request_id text NOT NULL,
        amount_micros bigint NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX credit_holds_expiry ON credit_holds (expires_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE credit_holds');
  }
}
