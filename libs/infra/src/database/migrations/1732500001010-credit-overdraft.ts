import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A balance may now go below zero: the real cost of a request is debited even beyond its hold (an
 * overdraft), and a refund or dispute takes back credits that were already spent.
 */
export class CreditOverdraft1732500001010 implements MigrationInterface {
  name = 'CreditOverdraft1732500001010';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE credit_balances DROP CONSTRAINT IF EXISTS credit_balances_balance_micros_check',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE credit_balances ADD CONSTRAINT credit_balances_balance_micros_check CHECK (balance_micros >= 0)',
    );
  }
}
