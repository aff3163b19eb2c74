import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Pool } from 'pg';
import { START } from '../event-store';
import { encodePosition } from '../position';
import { VISIBLE_HEAD_SQL } from './event-log-sql';
import { EXPORT_FORMAT, type ExportFilter, type ExportHeader, type ExportTrailer } from './export-format';
import { cursorRows } from './row-cursor';

const BATCH = 5_000;

/**
 * Each line is built by PostgreSQL (json_build_object), so the exporter only moves text: no parse
 * and re-serialise per event. The position is the adapter's encoding (20-digit parts).
 */
const LINE = `json_build_object(
    'stream', e.stream_name, 'revision', e.revision::text, 'id', e.event_id, 'type', e.type,
    'schema_version', e.schema_version, 'data', e.data, 'metadata', e.metadata,
    'position', lpad(e.transaction_id::text, 20, '0') || ':' || lpad(e.global_position::text, 20, '0'),
    'recorded_at', to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'previous_hash', e.previous_hash, 'hash', e.hash)::text AS line`;

/** The matching events up to the visible head, as an export file, through `out` (not ended here). */
export async function exportEventLog(
  pool: Pool,
  out: Writable,
  filter: ExportFilter,
): Promise<{ header: ExportHeader; trailer: ExportTrailer }> {
  const head = (await pool.query<{ transaction_id: string; global_position: string }>(VISIBLE_HEAD_SQL))
    .rows[0];
  const header: ExportHeader = {
    format: EXPORT_FORMAT,
    log_position: head ? encodePosition(BigInt(head.transaction_id), BigInt(head.global_position)) : START,
    exported_at: new Date().toISOString(),
    filter,
  };
  await write(out, `${JSON.stringify(header)}\n`);
  const values: unknown[] = [head?.transaction_id ?? '0', head?.global_position ?? '0'];
  const where = ['(e.transaction_id, e.global_position) <= ($1::xid8, $2::bigint)'];
  const condition = (sql: (parameter: string) => string, value: unknown): void => {
    values.push(value);
    where.push(sql(`$${values.length}`));
  };
  if (filter.stream !== undefined) condition((p) => `e.stream_name = ${p}`, filter.stream);
  if (filter.category !== undefined) condition((p) => `e.stream_name LIKE ${p}`, likePrefix(filter.category));
  if (filter.from !== undefined) condition((p) => `e.recorded_at >= ${p}::timestamptz`, filter.from);
  if (filter.to !== undefined) condition((p) => `e.recorded_at < ${p}::timestamptz`, filter.to);
  let events = 0;
  for await (const rows of cursorRows<{ line: string }>(
    pool,
    {
      text: `SELECT ${LINE} FROM events e WHERE ${where.join(' AND ')} ORDER BY e.stream_name, e.revision`,
      values,
    },
    BATCH,
  )) {
    let chunk = '';
    for (const row of rows) chunk += `${row.line}\n`;
    events += rows.length;
    await write(out, chunk);
  }
  const trailer: ExportTrailer = { end: true, events };
  await write(out, `${JSON.stringify(trailer)}\n`);
  return { header, trailer };
}

/** Waits for the stream to drain when its buffer is full, so memory stays flat however big the export. */
async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/** A LIKE pattern that matches the prefix literally (`_` and `%` are wildcards in LIKE). */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}
