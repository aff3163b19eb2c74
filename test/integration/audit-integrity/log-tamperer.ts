import type { EsdbFake } from '../../support/esdb-fake/server';
import type { StoredEvent } from '../../support/esdb-fake/log';
import type { Pool } from 'pg';

/**
 * What someone with write access to the store's own files or tables does to the log behind the
 * application's back: change an event's data, or remove events.
 */
export interface LogTamperer {
  setData(stream: string, revision: bigint, key: string, value: string): Promise<void>;
  remove(stream: string, revisions?: readonly bigint[]): Promise<void>;
}

export function postgresTamperer(pool: Pool): LogTamperer {
  return {
    async setData(stream, revision, key, value) {
      await pool.query(
        `UPDATE events SET data = jsonb_set(data, ARRAY[$3], to_jsonb($4::text)) WHERE stream_name = $1 AND revision = $2`,
        [stream, revision.toString(), key, value],
      );
    },
    async remove(stream, revisions) {
      await pool.query(
        'DELETE FROM events WHERE stream_name = $1 AND ($2::bigint[] IS NULL OR revision = ANY($2::bigint[]))',
        [stream, revisions?.map(String) ?? null],
      );
    },
  };
}

/** The fake's log is in memory: its records are changed where the node keeps them. */
export function esdbFakeTamperer(fake: EsdbFake): LogTamperer {
  const log = fake.log as unknown as {
    all: StoredEvent[];
    streams: Map<string, { events: StoredEvent[] }>;
  };
  const stored = (stream: string): StoredEvent[] => log.streams.get(stream)?.events ?? [];
  return {
    async setData(stream, revision, key, value) {
      const event = stored(stream).find((candidate) => candidate.revision === revision);
      if (!event) throw new Error(`no event ${stream}@${revision} to change`);
      const data = JSON.parse(Buffer.from(event.data).toString('utf8')) as Record<string, unknown>;
      event.data = Buffer.from(JSON.stringify({ ...data, [key]: value }), 'utf8');
    },
    async remove(stream, revisions) {
      const gone = (event: StoredEvent): boolean =>
        event.streamName === stream && (revisions === undefined || revisions.includes(event.revision));
      const events = stored(stream);
      events.splice(0, events.length, ...events.filter((event) => !gone(event)));
      // A stream with no record left is not known to the node at all.
      if (events.length === 0) log.streams.delete(stream);
      log.all.splice(0, log.all.length, ...log.all.filter((event) => !gone(event)));
    },
  };
}
