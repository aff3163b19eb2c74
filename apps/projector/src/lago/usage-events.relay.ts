import { asRequestCompleted, REQUEST_OUTCOME_SOURCES } from '@ops/domain';
import type { EventFilter, RecordedEvent } from '@ops/infra/event-store/event-store';
import { KafkaEventsRelay } from '../relays/kafka-events.relay';

export const USAGE_EVENTS_RELAY_NAME = 'kafka-relay:usage';

/**
 * Each finished request (completed or failed), for finance's own pipelines. A completion the debit of
 * its hold carries is published as the RequestCompleted it records, with the debit's id, stream and
 * position: consumers see one shape for every completion, wherever it is stored.
 */
export class UsageEventsRelay extends KafkaEventsRelay {
  readonly name = USAGE_EVENTS_RELAY_NAME;
  readonly filter: EventFilter = REQUEST_OUTCOME_SOURCES;

  protected override published(events: readonly RecordedEvent[]): readonly RecordedEvent[] {
    return events.flatMap((event) =>
      event.type === 'RequestFailed' ? [event] : (asRequestCompleted(event) ?? []),
    );
  }
}
