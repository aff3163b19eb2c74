import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Provider health shared by the API replicas: each provider's latest reported status. */
export class ProviderHealth1732500003100 implements MigrationInterface {
  name = 'ProviderHealth1732500003100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE provider_health (
        provider text PRIMARY KEY,
        status text NOT NULL,
        error_rate double precision NOT NULL,
        latency_p50_ms double precision,
        latency_p95_ms double precision,
        samples integer NOT NULL,
        cooling_down_until timestamptz,
        source text NOT NULL,
        reported_by text,
        reported_at timestamptz NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE provider_health');
  }
}
