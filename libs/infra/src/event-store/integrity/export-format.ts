/**
 * The export file: NDJSON, a header line, one line per event (grouped by stream, oldest first in
 * each), and a trailer line with the count, so a truncated file is told from a complete one.
 */
export const EXPORT_FORMAT = 'ops-center/event-export/v1';

export interface ExportFilter {
  /** One stream, by its exact name. */
  stream?: string;
  /** A stream-name prefix, e.g. `credit-account-`. */
  category?: string;
  /** Recorded time, inclusive. */
  from?: string;
  /** Recorded time, exclusive. */
  to?: string;
}

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  /** Every event up to this log position that matches the filter is in the file; none after it. */
  log_position: string;
  exported_at: string;
  filter: ExportFilter;
}

export interface ExportedEvent {
  stream: string;
  revision: string;
  id: string;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  position: string;
  recorded_at: string;
  previous_hash: string | null;
  hash: string | null;
}

export interface ExportTrailer {
  end: true;
  events: number;
}

export type ExportLine =
  | { kind: 'header'; header: ExportHeader }
  | { kind: 'event'; event: ExportedEvent }
  | { kind: 'trailer'; trailer: ExportTrailer };

/** Classifies one line of an export; throws on anything that is none of the three. */
export function parseExportLine(text: string): ExportLine {
  const value = JSON.parse(text) as Record<string, unknown>;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error('not a JSON object');
  if (value.format === EXPORT_FORMAT) return { kind: 'header', header: value as unknown as ExportHeader };
  if (value.end === true && typeof value.events === 'number')
    return { kind: 'trailer', trailer: value as unknown as ExportTrailer };
  if (
    typeof value.stream === 'string' &&
    typeof value.revision === 'string' &&
    /^\d+$/.test(value.revision) &&
    typeof value.id === 'string' &&
    typeof value.type === 'string' &&
    typeof value.schema_version === 'number'
  ) {
    return { kind: 'event', event: value as unknown as ExportedEvent };
  }
  throw new Error('neither a header, an event nor a trailer');
}

/** Whether a filter can leave out the start of a stream (a time range can; a stream or category cannot). */
export function holdsWholeStreams(filter: ExportFilter): boolean {
  return filter.from === undefined && filter.to === undefined;
}

/** Whether a stream is one the filter asks for, time aside. */
export function streamInScope(filter: ExportFilter, stream: string): boolean {
  if (filter.stream !== undefined && stream !== filter.stream) return false;
  return filter.category === undefined || stream.startsWith(filter.category);
}
