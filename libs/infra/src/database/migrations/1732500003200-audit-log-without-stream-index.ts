import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * No query of the audit log looks rows up by stream (an auditor reads a stream from the event log
 * itself, hash-chained), yet every projected event paid for the index on `(stream_name,
 * stream_revision)`: one of the five B-tree inserts of every row (text keys, the dearest to compare).
 */
export class AuditLogWithoutStreamIndex1732500003200 implements MigrationInterface {
  name = 'AuditLogWithoutStreamIndex1732500003200';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX IF EXISTS audit_log_stream');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE INDEX audit_log_stream ON audit_log (stream_name, stream_revision)');
  }
}
