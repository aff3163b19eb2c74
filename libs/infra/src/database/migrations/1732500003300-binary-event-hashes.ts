import type { MigrationInterface, QueryRunner } from 'typeorm';
import { LeanAppend1732500001620 } from './1732500001620-lean-append';

/**
 * Event hashes stored as their 32 bytes (`bytea`) instead of 64 hex digits: 64 bytes less on every
 * row of the log (a paid gateway request's two rows are about 2 KB). Nothing else changes: the chain is computed
 * over the same hex text as before (`chainHash`), and every read hands hashes out in hex, so
 * exports, digests and verification see what they saw. Rewrites the events table once, locked
 * while it does (9.5 s for a million events on a 2-core machine; the README's Upgrading says so).
 *
 * `append_events` is migration 1732500001620's, reading a head's hash as hex and storing bytes.
 */
export class BinaryEventHashes1732500003300 implements MigrationInterface {
  name = 'BinaryEventHashes1732500003300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE events
        ALTER COLUMN previous_hash TYPE bytea USING decode(previous_hash, 'hex'),
        ALTER COLUMN hash TYPE bytea USING decode(hash, 'hex')`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION append_events(p_appends jsonb)
      RETURNS TABLE (
        ordinal integer,
        actual_revision bigint,
        next_revision bigint,
        last_transaction_id xid8,
        last_global_position bigint
      )
      LANGUAGE plpgsql
      SET plan_cache_mode = force_generic_plan
      AS $fn$
      DECLARE
        c_lock_class CONSTANT integer := 1163285332; -- 'EVST'
        v_lock_keys integer[];
        v_lock_key integer;
        v_every_append_has_events boolean;
        v_every_event_hashed boolean;
        v_append jsonb;
        v_stream text;
        v_events jsonb;
        v_head_revision bigint;
        v_head_hash text;
        v_repeated boolean;
      BEGIN
        -- kind is any | no_stream | stream_exists | revision; revision is only set for the last.
        SELECT array_agg(DISTINCT hashtext(a.value ->> 'stream') ORDER BY hashtext(a.value ->> 'stream')),
               coalesce(bool_and(jsonb_array_length(a.value -> 'events') > 0), false),
               count(DISTINCT a.value ->> 'stream') < count(*),
               coalesce(bool_and((SELECT bool_and(coalesce(ev.value ->> 'contentHash' ~ '^[0-9a-f]{64}$', false))
                                    FROM jsonb_array_elements(a.value -> 'events') AS ev)), false)
          INTO v_lock_keys, v_every_append_has_events, v_repeated, v_every_event_hashed
          FROM jsonb_array_elements(p_appends) AS a;
        IF NOT v_every_append_has_events THEN
          RAISE EXCEPTION 'every append needs at least one event' USING ERRCODE = '22023';
        END IF;
        IF NOT v_every_event_hashed THEN
          RAISE EXCEPTION 'every event needs its contentHash (64 lower-case hex digits)' USING ERRCODE = '22023';
        END IF;

        FOREACH v_lock_key IN ARRAY v_lock_keys LOOP
          PERFORM pg_advisory_xact_lock(c_lock_class, v_lock_key);
        END LOOP;

        -- Every stream once (the usual batch): one statement reads the heads, decides, chains and
        -- inserts; rows are inserted in batch order, so they take their positions in that order.
        IF NOT v_repeated THEN
          RETURN QUERY
            WITH RECURSIVE decided AS MATERIALIZED (
                SELECT h.n, h.stream, h.events, h.actual, h.head_hash,
                       NOT ((h.kind = 'no_stream' AND h.actual <> -1)
                            OR (h.kind = 'stream_exists' AND h.actual = -1)
                            OR (h.kind = 'revision' AND h.actual IS DISTINCT FROM h.expected)) AS accepted
                  FROM (SELECT a.ordinality::integer AS n, a.value ->> 'stream' AS stream,
                               a.value -> 'events' AS events, a.value ->> 'kind' AS kind,
                               (a.value ->> 'revision')::bigint AS expected,
                               coalesce(head.revision, -1) AS actual, head.hash AS head_hash
                          FROM jsonb_array_elements(p_appends) WITH ORDINALITY AS a
                          LEFT JOIN LATERAL (SELECT e.revision, encode(e.hash, 'hex') AS hash FROM events AS e
                                              WHERE e.stream_name = a.value ->> 'stream'
                                              ORDER BY e.revision DESC LIMIT 1) AS head ON true) AS h
              ),
              chain (append, i, revision, previous_hash, hash) AS (
                SELECT d.n, 1, d.actual + 1, d.head_hash,
                       encode(sha256(convert_to(coalesce(d.head_hash, '') || E'\n'
                         || (d.events -> 0 ->> 'contentHash') || E'\n'
                         || (d.actual + 1)::text || E'\n' || d.stream, 'UTF8')), 'hex')
                  FROM decided AS d
                 WHERE d.accepted
                UNION ALL
                SELECT c.append, c.i + 1, c.revision + 1, c.hash,
                       encode(sha256(convert_to(c.hash || E'\n'
                         || (d.events -> c.i ->> 'contentHash') || E'\n'
                         || (c.revision + 1)::text || E'\n' || d.stream, 'UTF8')), 'hex')
                  FROM chain AS c
                  JOIN decided AS d ON d.n = c.append
                 WHERE c.i < jsonb_array_length(d.events)
              ),
              inserted AS (
                INSERT INTO events (stream_name, revision, event_id, type, schema_version, data, metadata,
                                    previous_hash, hash)
                SELECT d.stream, c.revision, (ev.event ->> 'id')::uuid, ev.event ->> 'type',
                       (ev.event ->> 'schemaVersion')::integer, ev.event -> 'data', ev.event -> 'metadata',
                       decode(c.previous_hash, 'hex'), decode(c.hash, 'hex')
                  FROM chain AS c
                  JOIN decided AS d ON d.n = c.append
                 CROSS JOIN LATERAL (SELECT d.events -> (c.i - 1)) AS ev(event)
                 ORDER BY c.append, c.i
                RETURNING events.stream_name, events.revision, events.global_position
              )
            SELECT d.n, d.actual,
                   CASE WHEN d.accepted THEN d.actual + jsonb_array_length(d.events) END,
                   CASE WHEN d.accepted THEN pg_current_xact_id() END,
                   ins.global_position
              FROM decided AS d
              LEFT JOIN inserted AS ins
                ON ins.stream_name = d.stream AND ins.revision = d.actual + jsonb_array_length(d.events)
             ORDER BY d.n;
          RETURN;
        END IF;

        -- A stream more than once: append by append, each reading its stream's head afresh, so a
        -- later append continues from this batch's own rows (or conflicts with them).
        FOR v_index IN 1 .. jsonb_array_length(p_appends) LOOP
          v_append := p_appends -> (v_index - 1);
          v_stream := v_append ->> 'stream';
          v_events := v_append -> 'events';
          SELECT e.revision, encode(e.hash, 'hex') INTO v_head_revision, v_head_hash
            FROM events AS e
           WHERE e.stream_name = v_stream
           ORDER BY e.revision DESC
           LIMIT 1;
          ordinal := v_index;
          actual_revision := coalesce(v_head_revision, -1);
          next_revision := NULL;
          last_transaction_id := NULL;
          last_global_position := NULL;
          IF NOT ((v_append ->> 'kind' = 'no_stream' AND actual_revision <> -1)
                  OR (v_append ->> 'kind' = 'stream_exists' AND actual_revision = -1)
                  OR (v_append ->> 'kind' = 'revision'
                      AND actual_revision IS DISTINCT FROM (v_append ->> 'revision')::bigint)) THEN
            -- Rows are inserted in revision order, so they take their positions in that order.
            WITH RECURSIVE chain (n, previous_hash, hash) AS (
                SELECT 1, v_head_hash,
                       encode(sha256(convert_to(coalesce(v_head_hash, '') || E'\n'
                         || (v_events -> 0 ->> 'contentHash') || E'\n'
                         || (actual_revision + 1)::text || E'\n' || v_stream, 'UTF8')), 'hex')
                UNION ALL
                SELECT c.n + 1, c.hash,
                       encode(sha256(convert_to(c.hash || E'\n'
                         || (v_events -> c.n ->> 'contentHash') || E'\n'
                         || (actual_revision + c.n + 1)::text || E'\n' || v_stream, 'UTF8')), 'hex')
                  FROM chain AS c
                 WHERE c.n < jsonb_array_length(v_events)
              ),
              inserted AS (
                INSERT INTO events (stream_name, revision, event_id, type, schema_version, data, metadata,
                                    previous_hash, hash)
                SELECT v_stream, actual_revision + c.n, (ev.event ->> 'id')::uuid, ev.event ->> 'type',
                       (ev.event ->> 'schemaVersion')::integer, ev.event -> 'data', ev.event -> 'metadata',
                       decode(c.previous_hash, 'hex'), decode(c.hash, 'hex')
                  FROM chain AS c
                 CROSS JOIN LATERAL (SELECT v_events -> (c.n - 1)) AS ev(event)
                 ORDER BY c.n
                RETURNING events.global_position
              )
            SELECT max(i.global_position) INTO last_global_position FROM inserted AS i;
            next_revision := actual_revision + jsonb_array_length(v_events);
            last_transaction_id := pg_current_xact_id();
          END IF;
          RETURN NEXT;
        END LOOP;
      END
      $fn$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE events
        ALTER COLUMN previous_hash TYPE text USING encode(previous_hash, 'hex'),
        ALTER COLUMN hash TYPE text USING encode(hash, 'hex')`);
    await new LeanAppend1732500001620().up(queryRunner);
  }
}
