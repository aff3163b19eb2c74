import type { HostInventory, HostOutcome } from '@ops/domain/local-users/host-command';
import { publishAcknowledged } from '@ops/infra/kafka/idempotent-producer';
import type { Producer } from 'kafkajs';
import { inventoryMessage, outcomeMessage } from './host-messages';
import type { HostReportSink } from './host-transport';

/**
 * Reports on the reports topic, keyed by host id so one host's reports stay in order. Each call
 * resolves only once all in-sync replicas have the message: the command is acknowledged after that.
 */
export class KafkaHostReportSink implements HostReportSink {
  constructor(
    private readonly producer: Pick<Producer, 'send'>,
    private readonly topic: string,
    private readonly hostId: string,
  ) {}

  async outcome(outcome: HostOutcome): Promise<void> {
    await publishAcknowledged(this.producer, this.topic, [
      { key: this.hostId, value: outcomeMessage(outcome) },
    ]);
  }

  async inventory(inventory: HostInventory): Promise<void> {
    await publishAcknowledged(this.producer, this.topic, [
      { key: this.hostId, value: inventoryMessage(inventory) },
    ]);
  }
}
