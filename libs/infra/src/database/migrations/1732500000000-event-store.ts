import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The PostgreSQL event store: the log (`events`) and `append_events`, which appends a batch of
 * appends in one round trip.
 *
 * Global order is `(transaction_id, global_position)`, read only below the snapshot's xmin: a
 * sequence alone is not enough because transactions commit out of order, so a reader that trusted
 * `global_position` would skip an event whose transaction took its number early and committed late.
 * The SQL is frozen here (not shared with the adapter) because a migration must never change.
 */
export class EventStoreSchema1732500000000 implements MigrationInterface {
  name = 'EventStoreSchema1732500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // (stream_name, revision) is unique and indexed: it is the stream read, the stream's current
    // revision (its last entry), and the backstop should two appends ever claim one revision.
    await queryRunner.query(`
      CREATE TABLE events (
        global_position bigserial NOT NULL,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_name text NOT NULL,
        revision bigint NOT NULL CHECK (revision >= 0),
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
    // Appends a batch of independent appends (to one or many streams) in the caller's transaction and
    // returns one row per append, by ordinal: success (next_revision set) or a wrong expected revision
    // (next_revision NULL, actual_revision = the stream's revision, -1 when absent). Event ids are
    // unique across the log: a reused id raises unique_violation and the caller decides whether the
    // append was a retry.
    //
    // Streams are locked with transaction-scoped advisory locks, all of them before the first write.
    // Locks like these assign no transaction id (a row lock would), so a transaction gets its id only
    // once it holds its streams: two appends to one stream then get their transaction ids in the
    // order they took the stream, which keeps each stream's revisions in global order. For the same
    // reason this must be the first write of its transaction. Taking the locks in key order means two
    // batches cannot deadlock. The two-key form keeps these locks apart from one-key advisory locks.
    //
    // It does not NOTIFY: a transaction that notifies takes a database-wide lock at commit and holds
    // it until the commit is flushed, which would serialise every append.
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
        c_lock_class CONSTANT integer := 1163285332; -- 'EVST'
        v_lock_key integer;
        v_streams text[];
        v_kinds text[];
        v_expected bigint[];
        v_counts integer[];
        v_stored bigint[];
        v_repeated boolean[];
        v_actual bigint[] := '{}';
        v_starts bigint[] := '{}';
        v_latest jsonb := '{}';
        v_current bigint;
        v_index integer;
      BEGIN
        -- kind is any | no_stream | stream_exists | revision; revision is only set for the last.
        SELECT array_agg(a.value ->> 'stream' ORDER BY a.ordinality),
               array_agg(a.value ->> 'kind' ORDER BY a.ordinality),
               array_agg((a.value ->> 'revision')::bigint ORDER BY a.ordinality),
               array_agg(jsonb_array_length(a.value -> 'events') ORDER BY a.ordinality)
          INTO v_streams, v_kinds, v_expected, v_counts
          FROM jsonb_array_elements(p_appends) WITH ORDINALITY AS a;
        IF 0 = ANY (v_counts) THEN
          RAISE EXCEPTION 'every append needs at least one event' USING ERRCODE = '22023';
        END IF;

        FOR v_lock_key IN SELECT DISTINCT hashtext(s.name) FROM unnest(v_streams) AS s(name) ORDER BY 1 LOOP
          PERFORM pg_advisory_xact_lock(c_lock_class, v_lock_key);
        END LOOP;

        -- Read under the locks, with a snapshot taken after them: earlier holders have committed.
        SELECT array_agg(coalesce((SELECT max(e.revision) FROM events e WHERE e.stream_name = u.name), -1)
                         ORDER BY u.n),
               array_agg(u.repeated ORDER BY u.n)
          INTO v_stored, v_repeated
          FROM (SELECT s.name, s.n, count(*) OVER (PARTITION BY s.name) > 1 AS repeated
                  FROM unnest(v_streams) WITH ORDINALITY AS s(name, n)) AS u;

        -- Decide each append in order; a stream that comes back later in the batch continues from
        -- where the earlier append left it.
        FOR v_index IN 1 .. cardinality(v_streams) LOOP
          v_current := v_stored[v_index];
          IF v_repeated[v_index] THEN
            v_current := coalesce((v_latest ->> v_streams[v_index])::bigint, v_current);
          END IF;
          v_actual[v_index] := v_current;
          IF (v_kinds[v_index] = 'no_stream' AND v_current <> -1)
             OR (v_kinds[v_index] = 'stream_exists' AND v_current = -1)
             OR (v_kinds[v_index] = 'revision' AND v_current IS DISTINCT FROM v_expected[v_index]) THEN
            v_starts[v_index] := NULL;
          ELSE
            v_starts[v_index] := v_current;
            IF v_repeated[v_index] THEN
              v_latest := v_latest || jsonb_build_object(v_streams[v_index], v_current + v_counts[v_index]);
            END IF;
          END IF;
        END LOOP;

        -- One INSERT for the whole batch; rows take their positions in ORDER BY order.
        RETURN QUERY
          WITH inserted AS (
            INSERT INTO events (stream_name, revision, event_id, type, schema_version, data, metadata)
            SELECT v_streams[a.n], a.start + ev.n, (ev.event ->> 'id')::uuid, ev.event ->> 'type',
                   (ev.event ->> 'schemaVersion')::integer, ev.event -> 'data', ev.event -> 'metadata'
              FROM unnest(v_starts) WITH ORDINALITY AS a(start, n)
             CROSS JOIN LATERAL jsonb_array_elements(p_appends -> (a.n::integer - 1) -> 'events')
                   WITH ORDINALITY AS ev(event, n)
             WHERE a.start IS NOT NULL
             ORDER BY a.n, ev.n
            RETURNING events.stream_name, events.revision, events.global_position
          )
          SELECT a.n::integer,
                 v_actual[a.n],
                 a.start + v_counts[a.n],
                 CASE WHEN a.start IS NOT NULL THEN pg_current_xact_id() END,
                 ins.global_position
            FROM unnest(v_starts) WITH ORDINALITY AS a(start, n)
            LEFT JOIN inserted ins
              ON ins.stream_name = v_streams[a.n] AND ins.revision = a.start + v_counts[a.n]
           ORDER BY a.n;
      END
      $fn$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION append_events(jsonb)');
    await queryRunner.query('DROP TABLE events');
  }
}
