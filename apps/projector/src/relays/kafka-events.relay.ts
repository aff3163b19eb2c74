import type { EventFilter, RecordedEvent } from '@ops/infra/event-store/event-store';
import { publishAcknowledged } from '@ops/infra/kafka/idempotent-producer';
import type { Projection } from '@ops/infra/projections/projection';
import type { Producer } from 'kafkajs';
import { toKafkaMessage } from './integration-message';

/**
 * Publishes the events its filter selects to Kafka as integration messages. `apply` resolves only
 * once the broker has acknowledged the whole batch, and the runtime commits the checkpoint after it
 * resolves: a crash in between republishes the batch rather than skipping it (at-least-once), and
 * consumers dedupe by the `event-id` header. If the broker refuses, `apply` rejects and the
 * checkpoint stays. A relay differs from another by its name, its filter and its topic, and may shape what it publishes.
 */
export abstract class KafkaEventsRelay implements Projection {
  abstract readonly name: string;
  abstract readonly filter: EventFilter;

  constructor(
    private readonly producer: Pick<Producer, 'send'>,
    private readonly topic: string,
  ) {}

  /** Writes no rows, so the transaction the runtime passes is not needed. */
  async apply(events: readonly RecordedEvent[]): Promise<void> {
    await publishAcknowledged(this.producer, this.topic, this.published(events).map(toKafkaMessage));
  }

  /** The events as this relay's consumers receive them: all of them as stored, unless a relay says otherwise. */
  protected published(events: readonly RecordedEvent[]): readonly RecordedEvent[] {
    return events;
  }

  /** Nothing to remove: a rebuild republishes from the start, and consumers dedupe by event id. */
  async reset(): Promise<void> {}
}
