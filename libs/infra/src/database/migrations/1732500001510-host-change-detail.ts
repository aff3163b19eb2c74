import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A failed host change says why in the audit log, and a host's inventory lists the groups and login
 * shells it has (null: its agent did not report them).
 */
export class HostChangeDetail1732500001510 implements MigrationInterface {
  name = 'HostChangeDetail1732500001510';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE audit_log ADD COLUMN detail text`);
    await runner.query(
      `ALTER TABLE hosts ADD COLUMN inventory_groups text[], ADD COLUMN inventory_shells text[]`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE hosts DROP COLUMN inventory_groups, DROP COLUMN inventory_shells`);
    await runner.query(`ALTER TABLE audit_log DROP COLUMN detail`);
  }
}
