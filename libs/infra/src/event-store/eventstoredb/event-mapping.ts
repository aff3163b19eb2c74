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
 * A record as the client decodes it: `convertGrpcRecord` fills `position` for every record (zeros
 * where a server older than 22.6 has none), so the optional type is only the client's caution.
 */
export type PositionedRecord = EsdbRecordedEvent & { position: Position };

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
  return encodePosition(position.commit, position.prepare, 'eventstoredb');
}

/** Refuses a position another adapter made (`ForeignPositionError`): it would skip or repeat events. */
export function toReadPosition(position: GlobalPosition | undefined): ReadPosition {
  if (position === undefined || position === START) return ESDB_START;
  const { major, minor } = decodePosition(position, 'eventstoredb');
  return { commit: major, prepare: minor };
}

export function toRecordedEvent(event: PositionedRecord): RecordedEvent {
  const {
    [SCHEMA_VERSION]: schemaVersion,
    [CORRELATION_ID]: _correlationId,
    [CAUSATION_ID]: _causationId,
    [INTEGRITY_METADATA_KEY]: link,
    ...metadata
  } = asObject(event.metadata);
  const integrity = integrityFrom(link);
  return {
    id: event.id,
    type: event.type,
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : 1,
    data: asObject(event.data),
    metadata: metadata as EventMetadata,
    streamName: event.streamId,
    revision: event.revision,
    position: encodeEsdbPosition(event.position),
    recordedAt: event.created,
    ...(integrity ? { integrity } : {}),
  };
}

/**
 * Our events are JSON objects, but another client may write anything. Whatever it is, it is handed
 * over rather than thrown on, so one foreign event cannot stop a subscription for good: JSON that is
 * not an object arrives as `{ $value }`, bytes that are not JSON as `{ $bytes }` (base64).
 */
function asObject(value: unknown): Record<string, unknown> {
  const parsed: unknown = value instanceof Uint8Array ? parseBytes(value) : value;
  if (parsed === undefined || parsed === null) return {};
  if (typeof parsed === 'object' && !Array.isArray(parsed) && !(parsed instanceof Uint8Array))
    return parsed as Record<string, unknown>;
  if (parsed instanceof Uint8Array) return { $bytes: Buffer.from(parsed).toString('base64') };
  return { $value: parsed };
}

function parseBytes(bytes: Uint8Array): unknown {
  if (bytes.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return bytes;
  }
}
