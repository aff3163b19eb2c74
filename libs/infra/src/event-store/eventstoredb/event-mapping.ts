import type {
  EventData,
  Position,
  ReadPosition,
  RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import { START as ESDB_START, jsonEvent } from '@eventstore/db-client';
import type { EventIntegrity, EventMetadata, GlobalPosition, NewEvent, RecordedEvent } from '../event-store';
import { START } from '../event-store';
import { INTEGRITY_METADATA_KEY, integrityFrom } from '../integrity/application-chain';
import { decodePosition, encodePosition } from '../position';

/**
 * Keys we add to EventStoreDB's event metadata. `$correlationId` and `$causationId` are the names the
 * server's own projections (`$by_correlation_id`) read; `$schemaVersion` has no native slot.
 */
const SCHEMA_VERSION = '$schemaVersion';
const CORRELATION_ID = '$correlationId';
const CAUSATION_ID = '$causationId';

export function toEventData(event: NewEvent, link: EventIntegrity): EventData {
  const metadata: Record<string, unknown> = {
    ...event.metadata,
    [SCHEMA_VERSION]: event.schemaVersion,
    [CORRELATION_ID]: event.metadata.correlationId,
    [INTEGRITY_METADATA_KEY]: link,
  };
  if (event.metadata.causationId !== null) metadata[CAUSATION_ID] = event.metadata.causationId;
  return jsonEvent({ id: event.id, type: event.type, data: event.data, metadata });
}

/** Events the server writes for itself (`$`-prefixed streams and types, link events) are not ours. */
export function isSystemEvent(event: EsdbRecordedEvent): boolean {
  return event.streamId.startsWith('$') || event.type.startsWith('$');
}

export function encodeEsdbPosition(position: Position): GlobalPosition {
  return encodePosition(position.commit, position.prepare);
}

export function toReadPosition(position: GlobalPosition | undefined): ReadPosition {
  if (position === undefined || position === START) return ESDB_START;
  const { major, minor } = decodePosition(position);
  return { commit: major, prepare: minor };
}

/** Stream reads carry positions from EventStoreDB 22.6 on; older servers are not supported. */
export function positionOf(event: EsdbRecordedEvent): GlobalPosition {
  if (event.position === undefined) {
    throw new Error(`EventStoreDB returned event ${event.id} without a position (server older than 22.6?)`);
  }
  return encodeEsdbPosition(event.position);
}

export function toRecordedEvent(event: EsdbRecordedEvent): RecordedEvent {
  const {
    [SCHEMA_VERSION]: schemaVersion,
    [CORRELATION_ID]: _correlationId,
    [CAUSATION_ID]: _causationId,
    [INTEGRITY_METADATA_KEY]: link,
    ...metadata
  } = asObject(event.metadata, `metadata of event ${event.id}`);
  const integrity = integrityFrom(link);
  return {
    id: event.id,
    type: event.type,
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : 1,
    data: asObject(event.data, `data of event ${event.id}`),
    metadata: metadata as EventMetadata,
    streamName: event.streamId,
    revision: event.revision,
    position: positionOf(event),
    recordedAt: event.created,
    ...(integrity ? { integrity } : {}),
  };
}

/** Our events are JSON objects; an event written by another client as bytes may still hold JSON. */
function asObject(value: unknown, what: string): Record<string, unknown> {
  const parsed: unknown = value instanceof Uint8Array ? parseBytes(value) : value;
  if (parsed === undefined || parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error(`The ${what} is not a JSON object`);
  return parsed as Record<string, unknown>;
}

function parseBytes(bytes: Uint8Array): unknown {
  return bytes.length === 0 ? undefined : JSON.parse(Buffer.from(bytes).toString('utf8'));
}
