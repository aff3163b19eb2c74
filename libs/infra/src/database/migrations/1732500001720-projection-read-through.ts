import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A checkpoint is the last event its projection matched, which may lie far behind the log's head
 * when later events are not its kind. `read_through` is how far the projector has read the log for
 * it: every event up to there that it matches is applied. A read that waits for a log position
 * compares against the greater of the two.
 */
export class ProjectionReadThrough1732500001720 implements MigrationInterface {
  name = 'ProjectionReadThrough1732500001720';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE projection_checkpoints ADD COLUMN read_through text NOT NULL DEFAULT ''`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE projection_checkpoints DROP COLUMN read_through');
  }
}
