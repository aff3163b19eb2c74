import { CREDIT_ACCOUNT_CATEGORY } from '@ops/domain';
import type { EventFilter } from '@ops/infra/event-store/event-store';
import { KafkaEventsRelay } from './kafka-events.relay';

export const CREDIT_EVENTS_RELAY_NAME = 'kafka-relay:credits';

/** Every credit event, for other systems' ledgers. */
export class CreditEventsRelay extends KafkaEventsRelay {
  readonly name = CREDIT_EVENTS_RELAY_NAME;
  /** The whole category, not a list of types: event types added later are relayed without a change here. */
  readonly filter: EventFilter = { streamPrefixes: [CREDIT_ACCOUNT_CATEGORY] };
}
