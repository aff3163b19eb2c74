import { chainHash, contentHash } from '../../event-store/integrity/event-hashes';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const BACKFILL_PAGE = 5_000;

interface UnhashedRow {
  stream_name: string;
  revision: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/**
 * Tamper evidence: `append_events` now chains every event to its stream's previous one under the
 * stream lock, `hash = sha256(previous_hash \n content_hash \n revision \n stream)` (the expression
 * libs/infra/src/event-store/integrity/event-hashes.ts `chainHash` computes), from a content hash the
 * writer sends with each event. Events stored before it are chained here, so no stream starts with
 * an unverifiable prefix. `audit_digest_heads` keeps the stream heads a signed digest covers.
 *
 * The content hash comes from the shared canonical form rather than a frozen copy: that form can
 * never change anyway, since every stored hash depends on it.
 */
export class TamperEvidence1732500000400 implements MigrationInterface {
  name = 'TamperEvidence1732500000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Appends wait until every stored event is chained, so none is appended unchained in between.
    await queryRunner.query('LOCK TABLE events IN EXCLUSIVE MODE');
    await backfill(queryRunner);
    // Byte order (COLLATE "C") is the order the heads' root is computed in, here and offline.
    await queryRunner.query(`
      CREATE TABLE audit_digest_heads (
        digest_id uuid NOT NULL,
        stream_name text COLLATE "C" NOT NULL,
        revision bigint NOT NULL,
        hash text NOT NULL,
        CONSTRAINT audit_digest_heads_pkey PRIMARY KEY (digest_id, stream_name)
      )`);
    // As before, plus: each event's contentHash is required (a writer that predates the chain fails
    // loudly instead of storing an unchained event); the previous hash of each stream is read with its
    // revision under the locks; hashes are chained in a loop, in append order, across repeated
    // streams of the batch, before the one INSERT.
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION append_events(p_appends jsonb)
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
        v_contents text[];
        v_well_formed boolean;
        v_stored bigint[];
        v_heads text[];
        v_repeated boolean[];
        v_actual bigint[] := '{}';
        v_starts bigint[] := '{}';
        v_offsets integer[] := '{}';
        v_previous text[] := '{}';
        v_hashes text[] := '{}';
        v_latest jsonb := '{}';
        v_latest_hash jsonb := '{}';
        v_current bigint;
        v_hash text;
        v_offset integer := 0;
        v_index integer;
        v_event integer;
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
        SELECT array_agg(ev.event ->> 'contentHash' ORDER BY a.ordinality, ev.ordinality),
               coalesce(bool_and(ev.event ->> 'contentHash' ~ '^[0-9a-f]{64}$'), false)
          INTO v_contents, v_well_formed
          FROM jsonb_array_elements(p_appends) WITH ORDINALITY AS a
         CROSS JOIN LATERAL jsonb_array_elements(a.value -> 'events') WITH ORDINALITY AS ev(event, ordinality);
        IF NOT v_well_formed THEN
          RAISE EXCEPTION 'every event needs its contentHash (64 lower-case hex digits)' USING ERRCODE = '22023';
        END IF;

        FOR v_lock_key IN SELECT DISTINCT hashtext(s.name) FROM unnest(v_streams) AS s(name) ORDER BY 1 LOOP
          PERFORM pg_advisory_xact_lock(c_lock_class, v_lock_key);
        END LOOP;

        -- Read under the locks, with a snapshot taken after them: earlier holders have committed.
        SELECT array_agg(coalesce(last.revision, -1) ORDER BY u.n),
               array_agg(last.hash ORDER BY u.n),
               array_agg(u.repeated ORDER BY u.n)
          INTO v_stored, v_heads, v_repeated
          FROM (SELECT s.name, s.n, count(*) OVER (PARTITION BY s.name) > 1 AS repeated
                  FROM unnest(v_streams) WITH ORDINALITY AS s(name, n)) AS u
          LEFT JOIN LATERAL (SELECT e.revision, e.hash FROM events e
                              WHERE e.stream_name = u.name ORDER BY e.revision DESC LIMIT 1) AS last ON true;

        -- Decide each append in order; a stream that comes back later in the batch continues from
        -- where the earlier append left it, its chain included.
        FOR v_index IN 1 .. cardinality(v_streams) LOOP
          v_offsets[v_index] := v_offset;
          v_current := v_stored[v_index];
          v_hash := v_heads[v_index];
          IF v_repeated[v_index] THEN
            v_current := coalesce((v_latest ->> v_streams[v_index])::bigint, v_current);
            v_hash := coalesce(v_latest_hash ->> v_streams[v_index], v_hash);
          END IF;
          v_actual[v_index] := v_current;
          IF (v_kinds[v_index] = 'no_stream' AND v_current <> -1)
             OR (v_kinds[v_index] = 'stream_exists' AND v_current = -1)
             OR (v_kinds[v_index] = 'revision' AND v_current IS DISTINCT FROM v_expected[v_index]) THEN
            v_starts[v_index] := NULL;
          ELSE
            v_starts[v_index] := v_current;
            FOR v_event IN 1 .. v_counts[v_index] LOOP
              v_previous[v_offset + v_event] := v_hash;
              v_hash := encode(sha256(convert_to(
                          coalesce(v_hash, '') || E'\n' || v_contents[v_offset + v_event] || E'\n'
                            || (v_current + v_event)::text || E'\n' || v_streams[v_index],
                          'UTF8')), 'hex');
              v_hashes[v_offset + v_event] := v_hash;
            END LOOP;
            IF v_repeated[v_index] THEN
              v_latest := v_latest || jsonb_build_object(v_streams[v_index], v_current + v_counts[v_index]);
              v_latest_hash := v_latest_hash || jsonb_build_object(v_streams[v_index], v_hash);
            END IF;
          END IF;
          v_offset := v_offset + v_counts[v_index];
        END LOOP;

        -- One INSERT for the whole batch; rows take their positions in ORDER BY order.
        RETURN QUERY
          WITH inserted AS (
            INSERT INTO events (stream_name, revision, event_id, type, schema_version, data, metadata,
                                previous_hash, hash)
            SELECT v_streams[a.n], a.start + ev.n, (ev.event ->> 'id')::uuid, ev.event ->> 'type',
                   (ev.event ->> 'schemaVersion')::integer, ev.event -> 'data', ev.event -> 'metadata',
                   v_previous[v_offsets[a.n] + ev.n], v_hashes[v_offsets[a.n] + ev.n]
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
    await queryRunner.query('DROP TABLE audit_digest_heads');
    // The function as migration 1732500000000 created it, frozen here; stored hashes stay.
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION append_events(p_appends jsonb)
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
}

/** Chains every event stored without a hash, stream by stream, a page at a time. */
async function backfill(queryRunner: QueryRunner): Promise<void> {
  let after: { stream: string; revision: string } | null = null;
  let previous: { stream: string; hash: string } | null = null;
  for (;;) {
    const rows: UnhashedRow[] = await queryRunner.query(
      `SELECT stream_name, revision::text AS revision, event_id::text AS event_id, type, schema_version,
              data, metadata
         FROM events
        WHERE $1::text IS NULL OR (stream_name, revision) > ($1::text, $2::bigint)
        ORDER BY stream_name, revision
        LIMIT $3`,
      [after?.stream ?? null, after?.revision ?? null, BACKFILL_PAGE],
    );
    if (rows.length === 0) return;
    const previousHashes: (string | null)[] = [];
    const hashes: string[] = [];
    for (const row of rows) {
      const previousHash = previous?.stream === row.stream_name ? previous.hash : null;
      const content = contentHash({
        id: row.event_id,
        type: row.type,
        schemaVersion: row.schema_version,
        data: row.data,
        metadata: row.metadata,
      });
      const hash = chainHash(previousHash, content, row.stream_name, row.revision);
      previousHashes.push(previousHash);
      hashes.push(hash);
      previous = { stream: row.stream_name, hash };
    }
    await queryRunner.query(
      `UPDATE events e SET previous_hash = u.previous_hash, hash = u.hash
         FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) AS u(stream_name, revision, previous_hash, hash)
        WHERE e.stream_name = u.stream_name AND e.revision = u.revision`,
      [rows.map((row) => row.stream_name), rows.map((row) => row.revision), previousHashes, hashes],
    );
    const last = rows[rows.length - 1];
    after = { stream: last.stream_name, revision: last.revision };
  }
}
