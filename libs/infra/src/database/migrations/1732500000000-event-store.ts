import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The PostgreSQL event store: the log (`events`), one row per stream holding its revision (`streams`,
 * the row an append locks), and `append_events`, which does a whole append in one round trip.
 *
 * Global order is `(transaction_id, global_position)`, read only below the snapshot's xmin: a
 * sequence alone is not enough because transactions commit out of order, so a reader that trusted
 * `global_position` would skip an event whose transaction took its number early and committed late.
 * The SQL is frozen here (not shared with the adapter) because a migration must never change.
 */
export class EventStoreSchema1732500000000 implements MigrationInterface {
  name = 'EventStoreSchema1732500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE streams (
        stream_name text PRIMARY KEY,
        revision bigint NOT NULL CHECK (revision >= 0)
      )`);
    await queryRunner.query(`
      CREATE TABLE events (
        global_position bigserial NOT NULL,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_name text NOT NULL,
        revision bigint NOT NULL,
        event_id uuid NOT NULL,
        type text NOT NULL,
        schema_version integer NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        previous_hash text,
        hash text,
        CONSTRAINT events_pkey PRIMARY KEY (transaction_id, global_position),
        CONSTRAINT events_stream_revision_key UNIQUE (stream_name, revision),
        CONSTRAINT events_event_id_key UNIQUE (event_id)
      )`);
    // Returns a row, or raises ES001 (wrong expected revision; DETAIL = actual revision, -1 when the
    // stream is absent) or ES002 (some ids already used by another append; DETAIL = those ids).
    await queryRunner.query(`
      CREATE FUNCTION append_events(
        p_stream_name text,
        p_expected_kind text,
        p_expected_revision bigint,
        p_events jsonb
      ) RETURNS TABLE (next_revision bigint, last_transaction_id xid8, last_global_position bigint)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        v_count integer := jsonb_array_length(p_events);
        v_current bigint;
        v_stream_exists boolean;
        v_found integer;
        v_is_retry boolean;
        v_last_position bigint;
      BEGIN
        IF v_count = 0 THEN
          RAISE EXCEPTION 'append_events needs at least one event' USING ERRCODE = '22023';
        END IF;
        LOOP
          -- The stream row lock serialises appends to one stream; every check below runs after it,
          -- with a fresh snapshot, so it sees whatever the previous lock holder committed.
          SELECT s.revision INTO v_current FROM streams s WHERE s.stream_name = p_stream_name FOR UPDATE;
          v_stream_exists := FOUND;
          IF NOT v_stream_exists THEN
            v_current := -1;
          END IF;

          SELECT count(*),
                 coalesce(bool_and(e.stream_name = p_stream_name), false)
                   AND count(DISTINCT e.revision - i.ord) = 1
            INTO v_found, v_is_retry
            FROM jsonb_array_elements(p_events) WITH ORDINALITY AS i(event, ord)
            JOIN events e ON e.event_id = (i.event ->> 'id')::uuid;
          IF v_found = v_count AND v_is_retry THEN
            -- The same append again (same ids, same stream, same order): answer as the first time.
            RETURN QUERY
              SELECT e.revision, e.transaction_id, e.global_position
                FROM events e
               WHERE e.event_id = (p_events -> (v_count - 1) ->> 'id')::uuid;
            RETURN;
          ELSIF v_found > 0 THEN
            RAISE EXCEPTION 'event ids already used by a different append' USING
              ERRCODE = 'ES002',
              DETAIL = (
                SELECT string_agg(e.event_id::text, ',' ORDER BY i.ord)
                  FROM jsonb_array_elements(p_events) WITH ORDINALITY AS i(event, ord)
                  JOIN events e ON e.event_id = (i.event ->> 'id')::uuid
              );
          END IF;

          IF (p_expected_kind = 'no_stream' AND v_stream_exists)
             OR (p_expected_kind = 'stream_exists' AND NOT v_stream_exists)
             OR (p_expected_kind = 'revision' AND p_expected_revision IS DISTINCT FROM v_current) THEN
            RAISE EXCEPTION 'wrong expected revision' USING ERRCODE = 'ES001', DETAIL = v_current::text;
          END IF;

          IF v_stream_exists THEN
            UPDATE streams SET revision = v_current + v_count WHERE stream_name = p_stream_name;
            EXIT;
          END IF;
          INSERT INTO streams (stream_name, revision) VALUES (p_stream_name, v_count - 1)
            ON CONFLICT (stream_name) DO NOTHING;
          EXIT WHEN FOUND;
          -- Another transaction created the stream first (we waited for it to commit): decide again.
        END LOOP;

        WITH inserted AS (
          INSERT INTO events (stream_name, revision, event_id, type, schema_version, data, metadata)
          SELECT p_stream_name, v_current + i.ord, (i.event ->> 'id')::uuid, i.event ->> 'type',
                 (i.event ->> 'schemaVersion')::integer, i.event -> 'data', i.event -> 'metadata'
            FROM jsonb_array_elements(p_events) WITH ORDINALITY AS i(event, ord)
           ORDER BY i.ord
          RETURNING events.global_position
        )
        SELECT max(inserted.global_position) INTO v_last_position FROM inserted;

        -- Identical payloads collapse into one notification per transaction.
        PERFORM pg_notify('event_store', '');
        RETURN QUERY SELECT v_current + v_count, pg_current_xact_id(), v_last_position;
      END
      $fn$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION append_events(text, text, bigint, jsonb)');
    await queryRunner.query('DROP TABLE events');
    await queryRunner.query('DROP TABLE streams');
  }
}
