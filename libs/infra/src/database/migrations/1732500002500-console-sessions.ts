import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The console's sign-in: one-time links (only the SHA-256 of each code is kept, so a database dump
 * signs nobody in) and the sessions they opened, which sign-out revokes before their tokens expire.
 */
export class ConsoleSessions1732500002500 implements MigrationInterface {
  name = 'ConsoleSessions1732500002500';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE console_sign_in_links (
        code_hash text PRIMARY KEY,
        subject text NOT NULL,
        roles text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await runner.query(`
      CREATE TABLE console_sessions (
        id uuid PRIMARY KEY,
        subject text NOT NULL,
        roles text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE console_sessions');
    await runner.query('DROP TABLE console_sign_in_links');
  }
}
