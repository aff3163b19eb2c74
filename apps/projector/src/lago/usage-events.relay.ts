import { LLM_REQUEST_CATEGORY } from '@ops/domain';
import type { EventFilter } from '@ops/infra/event-store/event-store';
import { KafkaEventsRelay } from '../relays/kafka-events.relay';

export const USAGE_EVENTS_RELAY_NAME = 'kafka-relay:usage';

/** Each finished request (completed or failed), for finance's own pipelines. */
export class UsageEventsRelay extends KafkaEventsRelay {
  readonly name = USAGE_EVENTS_RELAY_NAME;
  readonly filter: EventFilter = {
    streamPrefixes: [LLM_REQUEST_CATEGORY],
    eventTypes: ['RequestCompleted', 'RequestFailed'],
  };
}
