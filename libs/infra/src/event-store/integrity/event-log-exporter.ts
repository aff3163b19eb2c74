import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { EventStore, RecordedEvent } from '../event-store';
import {
  EXPORT_FORMAT,
  type ExportedEvent,
  type ExportFilter,
  type ExportHeader,
  type ExportTrailer,
} from './export-format';

/** The matching events up to the log's head, as an export file, through `out` (not ended here). */
export async function exportEventLog(
  store: Pick<EventStore, 'headPosition' | 'readChains'>,
  out: Writable,
  filter: ExportFilter,
): Promise<{ header: ExportHeader; trailer: ExportTrailer }> {
  const header: ExportHeader = {
    format: EXPORT_FORMAT,
    log_position: await store.headPosition(),
    exported_at: new Date().toISOString(),
    filter,
  };
  await write(out, `${JSON.stringify(header)}\n`);
  let events = 0;
  for await (const batch of store.readChains({
    upTo: header.log_position,
    stream: filter.stream,
    category: filter.category,
    recordedFrom: filter.from === undefined ? undefined : new Date(filter.from),
    recordedBefore: filter.to === undefined ? undefined : new Date(filter.to),
  })) {
    let chunk = '';
    for (const event of batch) chunk += `${JSON.stringify(exportedEvent(event))}\n`;
    events += batch.length;
    await write(out, chunk);
  }
  const trailer: ExportTrailer = { end: true, events };
  await write(out, `${JSON.stringify(trailer)}\n`);
  return { header, trailer };
}

function exportedEvent(event: RecordedEvent): ExportedEvent {
  return {
    stream: event.streamName,
    revision: event.revision.toString(),
    id: event.id,
    type: event.type,
    schema_version: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    position: event.position,
    recorded_at: event.recordedAt.toISOString(),
    previous_hash: event.integrity?.previousHash ?? null,
    hash: event.integrity?.hash ?? null,
  };
}

/** Waits for the stream to drain when its buffer is full, so memory stays flat however big the export. */
async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}
