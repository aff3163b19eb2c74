import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Prompt-cache tokens in usage: the part of each request's input read from, or written to, the
 * provider's cache, which is priced at the cache rates. Rows from before count none.
 */
export class UsageCacheTokens1732500002600 implements MigrationInterface {
  name = 'UsageCacheTokens1732500002600';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE usage_log
        ADD COLUMN cache_read_tokens integer NOT NULL DEFAULT 0,
        ADD COLUMN cache_write_tokens integer NOT NULL DEFAULT 0`);
    await runner.query(`
      ALTER TABLE usage_daily
        ADD COLUMN cache_read_tokens bigint NOT NULL DEFAULT 0,
        ADD COLUMN cache_write_tokens bigint NOT NULL DEFAULT 0`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      'ALTER TABLE usage_daily DROP COLUMN cache_read_tokens, DROP COLUMN cache_write_tokens',
    );
    await runner.query('ALTER TABLE usage_log DROP COLUMN cache_read_tokens, DROP COLUMN cache_write_tokens');
  }
}
