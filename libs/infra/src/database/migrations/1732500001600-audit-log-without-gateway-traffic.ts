import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log no longer copies the gateway's per-request events (see `isAudited` in the audit-log
 * projection): rows projected before are removed, so the table equals a replay of the log again (the
 * projector's verify compares them) and gives back the space. The events themselves stay in the log.
 * The SQL is frozen here (a migration must never change), not derived from the projection's rule.
 */
export class AuditLogWithoutGatewayTraffic1732500001600 implements MigrationInterface {
  name = 'AuditLogWithoutGatewayTraffic1732500001600';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `DELETE FROM audit_log
        WHERE stream_name LIKE 'llm-request-%'
           OR (stream_name LIKE 'credit-account-%'
               AND event_type IN ('CreditsReserved', 'CreditsDebited', 'CreditsReleased'))`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    // The rows come back by rebuilding the projection with the rule of the version rolled back to.
    await runner.query(`DELETE FROM projection_checkpoints WHERE name = 'audit-log'`);
    await runner.query('TRUNCATE audit_log');
  }
}
