import { ApiProperty } from '@nestjs/swagger';
import type { UnparsedEvent } from '@ops/infra/audit';
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
 * The NDJSON line of an exported event: `toAuditEventView`'s object, field for field, written
 * directly, with data and metadata spliced in as the database's JSON text instead of parsed and
 * serialised again (most of an export's time). Strings that may need escaping go through
 * JSON.stringify; the others (digits, positions, UUIDs, ISO times) never need it.
 */
export function auditEventLine(event: UnparsedEvent): string {
  const integrity =
    event.integrity === null
      ? 'null'
      : `{"previous_hash":${JSON.stringify(event.integrity.previousHash)},"hash":${JSON.stringify(event.integrity.hash)}}`;
  return (
    `{"stream":${JSON.stringify(event.streamName)},"revision":"${event.revision}","position":"${event.position}",` +
    `"id":"${event.id}","type":${JSON.stringify(event.type)},"schema_version":${event.schemaVersion},` +
    `"data":${event.data},"metadata":${event.metadata},"recorded_at":"${event.recordedAt}","integrity":${integrity}}\n`
  );
}
