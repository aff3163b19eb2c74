import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `append_events_atomically`: `append_events` for batches holding multi-stream appends that must be
 * stored together or not at all (a credit hold with the request's routing, a settlement with its
 * completion). Such an append marks each of its streams `"atomic": true`; a wrong expected revision
 * on a marked stream raises SQLSTATE OC409 with the conflicts as JSON in DETAIL
 * (`[{"ordinal": n, "actual": revision}]`), which rolls the whole statement back. Unmarked appends
 * keep `append_events`' answer: a conflict is an outcome row, the others still commit. The group-commit
 * dispatcher sends a batch that raised append by append, so one conflict fails only its own append.
 */
export class AtomicMultiStreamAppend1732500001630 implements MigrationInterface {
  name = 'AtomicMultiStreamAppend1732500001630';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION append_events_atomically(p_appends jsonb)
      RETURNS TABLE (
        ordinal integer,
        actual_revision bigint,
        next_revision bigint,
        last_transaction_id xid8,
        last_global_position bigint
      )
      LANGUAGE plpgsql
      AS $fn$
      DECLARE
        v_outcomes jsonb;
        v_conflicts jsonb;
      BEGIN
        SELECT jsonb_agg(jsonb_build_object('ordinal', o.ordinal, 'actual', o.actual_revision,
                                            'next', o.next_revision, 'xid', o.last_transaction_id::text,
                                            'position', o.last_global_position))
          INTO v_outcomes
          FROM append_events(p_appends) AS o;
        SELECT jsonb_agg(jsonb_build_object('ordinal', (x.value ->> 'ordinal')::integer,
                                            'actual', (x.value ->> 'actual')::bigint))
          INTO v_conflicts
          FROM jsonb_array_elements(v_outcomes) AS x
         WHERE x.value ->> 'next' IS NULL
           AND coalesce((p_appends -> ((x.value ->> 'ordinal')::integer - 1) ->> 'atomic')::boolean, false);
        IF v_conflicts IS NOT NULL THEN
          RAISE EXCEPTION 'an atomic multi-stream append found a stream at another revision'
            USING ERRCODE = 'OC409', DETAIL = v_conflicts::text;
        END IF;
        RETURN QUERY
          SELECT (x.value ->> 'ordinal')::integer, (x.value ->> 'actual')::bigint,
                 (x.value ->> 'next')::bigint, (x.value ->> 'xid')::xid8, (x.value ->> 'position')::bigint
            FROM jsonb_array_elements(v_outcomes) AS x
           ORDER BY 1;
      END
      $fn$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION IF EXISTS append_events_atomically(jsonb)');
  }
}
