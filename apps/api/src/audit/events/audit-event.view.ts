import { ApiProperty } from '@nestjs/swagger';
import type { RecordedEvent } from '@ops/infra/event-store/event-store';

export class EventIntegrityView {
  @ApiProperty({ nullable: true, type: String }) previous_hash!: string | null;
  @ApiProperty() hash!: string;
}

/** One event as the log holds it; `data` and `metadata` are returned exactly as recorded. */
export class AuditEventView {
  @ApiProperty() stream!: string;
  @ApiProperty({ description: '0-based revision in its stream, as a string' }) revision!: string;
  @ApiProperty({ description: 'Global position: totally ordered across the log, usable as `cursor`' })
  position!: string;
  @ApiProperty() id!: string;
  @ApiProperty() type!: string;
  @ApiProperty() schema_version!: number;
  @ApiProperty({ type: Object }) data!: Record<string, unknown>;
  @ApiProperty({ type: Object, description: 'actor, correlationId, causationId, occurredAt, source, …' })
  metadata!: Record<string, unknown>;
  @ApiProperty({ description: 'When the store wrote it' }) recorded_at!: string;
  @ApiProperty({
    type: EventIntegrityView,
    nullable: true,
    description: 'The hash chain link, when recorded',
  })
  integrity!: EventIntegrityView | null;
}

export class AuditEventPageView {
  @ApiProperty({ type: [AuditEventView] }) items!: AuditEventView[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page' })
  next_cursor!: string | null;
}

export class StreamView {
  @ApiProperty() stream!: string;
  @ApiProperty({ type: [AuditEventView], description: 'In revision order' }) items!: AuditEventView[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page' })
  next_cursor!: string | null;
}

export function toAuditEventView(event: RecordedEvent): AuditEventView {
  return {
    stream: event.streamName,
    revision: event.revision.toString(),
    position: event.position,
    id: event.id,
    type: event.type,
    schema_version: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    recorded_at: event.recordedAt.toISOString(),
    integrity: event.integrity
      ? { previous_hash: event.integrity.previousHash, hash: event.integrity.hash }
      : null,
  };
}

/**
 * The NDJSON line of an exported event, written by the database: `toAuditEventView`'s object, field
 * for field, with data and metadata as the database's JSON text. Parsing each row's columns and
 * writing the line in the API process was most of an export's time; now a row is one string.
 */
export const AUDIT_EVENT_LINE_SQL = `'{"stream":' || to_json(e.stream_name)::text
  || ',"revision":"' || e.revision::text
  || '","position":"' || lpad(e.transaction_id::text, 20, '0') || ':' || lpad(e.global_position::text, 20, '0')
  || '","id":"' || e.event_id::text
  || '","type":' || to_json(e.type)::text
  || ',"schema_version":' || e.schema_version::text
  || ',"data":' || e.data::text
  || ',"metadata":' || e.metadata::text
  || ',"recorded_at":"' || to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  || '","integrity":' || CASE WHEN e.hash IS NULL THEN 'null'
       ELSE '{"previous_hash":' || coalesce('"' || encode(e.previous_hash, 'hex') || '"', 'null')
         || ',"hash":"' || encode(e.hash, 'hex') || '"}' END
  || '}' || chr(10)`;
