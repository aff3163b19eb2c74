import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Events a read model could not apply, however often it tried: the projection records each one here
 * with the error and moves past it instead of stopping for good. A rebuild of the projection clears
 * its rows (the replay meets those events again).
 */
export class ProjectionDeadLetters1732500001710 implements MigrationInterface {
  name = 'ProjectionDeadLetters1732500001710';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE projection_dead_letters (
        projection text NOT NULL,
        position text NOT NULL,
        event_id uuid NOT NULL,
        stream_name text NOT NULL,
        stream_revision bigint NOT NULL,
        event_type text NOT NULL,
        error text NOT NULL,
        attempts integer NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (projection, position)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE projection_dead_letters');
  }
}
