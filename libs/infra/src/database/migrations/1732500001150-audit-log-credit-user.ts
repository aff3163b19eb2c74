import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Credit movements name their account in the audit log's user column, so `?user=` finds them; rows
 * projected before that get it from their stream's name (`credit-account-<user id>`).
 */
export class AuditLogCreditUser1732500001150 implements MigrationInterface {
  name = 'AuditLogCreditUser1732500001150';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `UPDATE audit_log SET target_user = substr(stream_name, length('credit-account-') + 1)
        WHERE starts_with(stream_name, 'credit-account-') AND target_user IS NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `UPDATE audit_log SET target_user = NULL WHERE starts_with(stream_name, 'credit-account-')`,
    );
  }
}
