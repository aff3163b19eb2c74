import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Chained digests: `audit_digest_heads` keeps the heads of every digest, not only the latest one's,
 * each row under its digest's sequence (the revision of its event in `audit-digests`), and a digest
 * records only the heads that changed since the one before. The index serves the fold "each stream at
 * the head its newest digest recorded". Rows the previous scheme kept belong to the latest legacy
 * digest and take its revision; rows of no recorded digest (a signer that crashed) signed nothing.
 */
export class DigestChain1732500000810 implements MigrationInterface {
  name = 'DigestChain1732500000810';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE audit_digest_heads ADD COLUMN sequence bigint');
    await queryRunner.query(`
      UPDATE audit_digest_heads h SET sequence = e.revision
        FROM events e
       WHERE e.stream_name = 'audit-digests' AND e.data -> 'digest' ->> 'digest_id' = h.digest_id::text`);
    await queryRunner.query('DELETE FROM audit_digest_heads WHERE sequence IS NULL');
    await queryRunner.query('ALTER TABLE audit_digest_heads ALTER COLUMN sequence SET NOT NULL');
    await queryRunner.query(
      'CREATE INDEX audit_digest_heads_by_stream ON audit_digest_heads (stream_name, sequence DESC)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX audit_digest_heads_by_stream');
    await queryRunner.query('ALTER TABLE audit_digest_heads DROP COLUMN sequence');
  }
}
