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
    // One call appends a batch of independent appends (to one or many streams) in the caller's
    // transaction and returns one row per append, by ordinal: success (next_revision set) or a wrong
    // expected revision (next_revision NULL, actual_revision = the stream's revision, -1 when absent).
    // Event ids are unique across the log; a reused id raises unique_violation and the caller decides
    // whether it was a retry. Callers sort the appends by stream so that concurrent batches lock
    // streams in one order and cannot deadlock. It does not NOTIFY: a NOTIFY in the appending
    // transaction takes a database-wide lock until commit and serialises every append.
    await queryRunner.query(`
      CREATE FUNCTION append_events(p_appends jsonb)
      RETURNS TABLE (
        ordinal integer,
        actual_revision bigint,
        next_revision bigint,
        last_transaction_id xid8,
        last_global_position bigint
      )
      LANGUAGE plpgsql AS $fn$
      DECLARE
        v_append jsonb;
        v_ordinal integer;
        v_stream text;
        v_kind text;
        v_expected bigint;
        v_events jsonb;
        v_count integer;
        v_current bigint;
      BEGIN
        FOR v_append, v_ordinal IN
          SELECT a.value, a.ordinality FROM jsonb_array_elements(p_appends) WITH ORDINALITY AS a
        LOOP
          v_stream := v_append ->> 'stream';
          v_kind := v_append ->> 'kind';
          -- Only set when kind = 'revision'; kept out of the SQL below so no plan casts another kind.
          v_expected := (v_append ->> 'revision')::bigint;
          v_events := v_append -> 'events';
          v_count := jsonb_array_length(v_events);
          IF v_count = 0 THEN
            RAISE EXCEPTION 'append % to % has no events', v_ordinal, v_stream USING ERRCODE = '22023';
          END IF;

          v_current := NULL;
          IF v_kind = 'no_stream' THEN
            INSERT INTO streams (stream_name, revision) VALUES (v_stream, v_count - 1)
              ON CONFLICT (stream_name) DO NOTHING;
            IF FOUND THEN
              v_current := -1;
            END IF;
          ELSE
            LOOP
              -- The row lock serialises appends to one stream until commit.
              UPDATE streams s SET revision = s.revision + v_count
               WHERE s.stream_name = v_stream AND (v_expected IS NULL OR s.revision = v_expected)
              RETURNING s.revision - v_count INTO v_current;
              EXIT WHEN FOUND OR v_kind <> 'any';
              INSERT INTO streams (stream_name, revision) VALUES (v_stream, v_count - 1)
                ON CONFLICT (stream_name) DO NOTHING;
              IF FOUND THEN
                v_current := -1;
                EXIT;
              END IF;
              -- Another transaction created the stream meanwhile (we waited for its commit): update it.
            END LOOP;
          END IF;

          ordinal := v_ordinal;
          IF v_current IS NULL THEN
            actual_revision := coalesce((SELECT s.revision FROM streams s WHERE s.stream_name = v_stream), -1);
            next_revision := NULL;
            last_transaction_id := NULL;
            last_global_position := NULL;
            RETURN NEXT;
            CONTINUE;
          END IF;

          INSERT INTO events (stream_name, revision, event_id, type, schema_version, data, metadata)
          SELECT v_stream, v_current + i.ord, (i.event ->> 'id')::uuid, i.event ->> 'type',
                 (i.event ->> 'schemaVersion')::integer, i.event -> 'data', i.event -> 'metadata'
            FROM jsonb_array_elements(v_events) WITH ORDINALITY AS i(event, ord)
           ORDER BY i.ord;

          actual_revision := v_current;
          next_revision := v_current + v_count;
          last_transaction_id := pg_current_xact_id();
          -- Rows took their positions in ORDER BY order, so this session's last value is the last event's.
          last_global_position := currval('events_global_position_seq');
          RETURN NEXT;
        END LOOP;
      END
      $fn$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION append_events(jsonb)');
    await queryRunner.query('DROP TABLE events');
    await queryRunner.query('DROP TABLE streams');
  }
}
