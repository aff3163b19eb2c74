import type { RecordedEvent } from '@ops/infra/event-store/event-store';
import type { Message } from 'kafkajs';

/**
 * What consumers outside this codebase receive for one event: a public contract, so it is spelled
 * out field by field rather than being the stored envelope. Metadata beyond these fields (source,
 * causation, whatever later issues add) stays private. Changes are additive; a breaking change to an
 * event's `data` bumps its `schemaVersion`.
 */
export interface IntegrationMessage {
  /**
   * The event id: unique within a topic, and the same every time the event is republished, so consumers
   * dedupe by it per topic (a debit's completion on the usage topic has the id of the debit, which the
   * credits topic carries as itself).
   */
  id: string;
  type: string;
  /** Version of the shape of `data`. */
  schemaVersion: number;
  stream: string;
  /** 0-based revision of the event in its stream, as a decimal string (JSON numbers stop at 2^53). */
  revision: string;
  /** The event store's global position: opaque; ordered by string comparison within one store. */
  position: string;
  /** ISO-8601 time the change was decided. */
  occurredAt: string;
  /** Who caused the change: a user id, `system`, or a service name. */
  actor: string;
  correlationId: string;
  data: Record<string, unknown>;
}

/** Carries `IntegrationMessage.id`, so consumers can dedupe without parsing the value. */
export const EVENT_ID_HEADER = 'event-id';
/** Carries `IntegrationMessage.type`, so consumers can route or drop without parsing the value. */
export const EVENT_TYPE_HEADER = 'event-type';

export function toIntegrationMessage(event: RecordedEvent): IntegrationMessage {
  return {
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    stream: event.streamName,
    revision: event.revision.toString(),
    position: event.position,
    occurredAt: event.metadata.occurredAt,
    actor: event.metadata.actor,
    correlationId: event.metadata.correlationId,
    data: event.data,
  };
}

/** Keyed by stream, so all events of one stream land in one partition, in stream order. */
export function toKafkaMessage(event: RecordedEvent): Message {
  return {
    key: event.streamName,
    value: JSON.stringify(toIntegrationMessage(event)),
    headers: { [EVENT_ID_HEADER]: event.id, [EVENT_TYPE_HEADER]: event.type },
  };
}
