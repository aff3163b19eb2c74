import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DataKeysAndProviderKeys1732500000600 implements MigrationInterface {
  name = 'DataKeysAndProviderKeys1732500000600';

  async up(runner: QueryRunner): Promise<void> {
    // A live row holds its wrapped key; an erased one holds none, only when it was destroyed.
    await runner.query(`
      CREATE TABLE subject_data_keys (
        subject text PRIMARY KEY,
        key_id text,
        wrapped_key text,
        kek_id text,
        created_at timestamptz NOT NULL,
        destroyed_at timestamptz,
        CHECK (
          (destroyed_at IS NULL AND key_id IS NOT NULL AND wrapped_key IS NOT NULL AND kek_id IS NOT NULL)
          OR (destroyed_at IS NOT NULL AND wrapped_key IS NULL AND kek_id IS NULL)
        )
      )`);
    // Rotation looks for the keys still wrapped by an older KEK.
    await runner.query(
      `CREATE INDEX subject_data_keys_kek ON subject_data_keys (kek_id) WHERE wrapped_key IS NOT NULL`,
    );
    await runner.query(`
      CREATE TABLE provider_keys (
        user_id text NOT NULL,
        provider text NOT NULL,
        sealed_key jsonb,
        sealed_label jsonb,
        last4 text NOT NULL,
        added_at timestamptz NOT NULL,
        validated_at timestamptz,
        status text NOT NULL CHECK (status IN ('valid', 'unverified', 'erased')),
        PRIMARY KEY (user_id, provider)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE provider_keys, subject_data_keys`);
  }
}
