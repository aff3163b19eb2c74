import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Usage counts what is priced beyond plain tokens: cache writes kept for one hour (twice the input
 * price) and server-side web searches (a price per search). Rows from before count none.
 */
export class UsageWebSearches1732500003000 implements MigrationInterface {
  name = 'UsageWebSearches1732500003000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE usage_log
        ADD COLUMN cache_write_1h_tokens integer NOT NULL DEFAULT 0,
        ADD COLUMN web_search_requests integer NOT NULL DEFAULT 0`);
    await runner.query(`
      ALTER TABLE usage_daily
        ADD COLUMN cache_write_1h_tokens bigint NOT NULL DEFAULT 0,
        ADD COLUMN web_search_requests bigint NOT NULL DEFAULT 0`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      'ALTER TABLE usage_daily DROP COLUMN cache_write_1h_tokens, DROP COLUMN web_search_requests',
    );
    await runner.query(
      'ALTER TABLE usage_log DROP COLUMN cache_write_1h_tokens, DROP COLUMN web_search_requests',
    );
  }
}
