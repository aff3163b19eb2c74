import { LLM_REQUEST_CATEGORY } from '@ops/domain';
import type { EventFilter, RecordedEvent } from '@ops/infra/event-store/event-store';
import { publishAcknowledged } from '@ops/infra/kafka/idempotent-producer';
import type { Projection } from '@ops/infra/projections/projection';
import type { Producer } from 'kafkajs';
import { toKafkaMessage } from '../relays/integration-message';

export const USAGE_EVENTS_RELAY_NAME = 'kafka-relay:usage';

/**
 * Publishes each finished request (completed or failed) as an integration message for finance's
 * own pipelines, with the same contract and delivery rules as the credit relay: the checkpoint
 * moves only after the broker acknowledged the batch, and consumers dedupe by the `event-id` header.
 */
export class UsageEventsRelay implements Projection {
  readonly name = USAGE_EVENTS_RELAY_NAME;
  readonly filter: EventFilter = {
    streamPrefixes: [LLM_REQUEST_CATEGORY],
    eventTypes: ['RequestCompleted', 'RequestFailed'],
  };

  constructor(
    private readonly producer: Pick<Producer, 'send'>,
    private readonly topic: string,
  ) {}

  async apply(events: readonly RecordedEvent[]): Promise<void> {
    await publishAcknowledged(this.producer, this.topic, events.map(toKafkaMessage));
  }

  /** A rebuild republishes from the start; consumers dedupe by event id. */
  async reset(): Promise<void> {}
}
