import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { HostInventory, HostOutcome } from '@ops/domain';
import type { AppConfig } from '@ops/infra/config/app-config';
import { APP_CONFIG } from '@ops/infra/config/config.module';
import { KAFKA_CLIENT } from '@ops/infra/kafka/kafka.module';
import type { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import type { HostReportMessage } from '../../../host-agent/src/transport/host-messages';
import { HostReportRecorder } from './host-report-recorder';

/**
 * Reads what the agents publish (outcomes, inventories) and records it as events. The offset is
 * committed after the event is appended; a redelivered report appends nothing (see the recorder).
 */
@Injectable()
export class KafkaHostReportsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(KafkaHostReportsConsumer.name);
  private consumer: Consumer | null = null;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly recorder: HostReportRecorder,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.kafka || this.config.HOST_COMMAND_TRANSPORT !== 'kafka') return;
    const consumer = this.kafka.consumer({ groupId: `${this.config.KAFKA_CLIENT_ID}-host-reports` });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.config.KAFKA_HOST_REPORTS_TOPIC, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachMessage: (payload) => this.consume(consumer, payload) });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
  }

  private async consume(
    consumer: Consumer,
    { topic, partition, message }: EachMessagePayload,
  ): Promise<void> {
    const report = this.parse(message.value);
    if (report?.kind === 'outcome') await this.recorder.outcome(report as HostOutcome);
    else if (report?.kind === 'inventory') await this.recorder.inventory(report as HostInventory);
    else this.logger.error({ partition, offset: message.offset }, 'host report unreadable, skipped');
    await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
  }

  private parse(value: Buffer | null): HostReportMessage | null {
    try {
      return value ? (JSON.parse(value.toString('utf8')) as HostReportMessage) : null;
    } catch {
      return null;
    }
  }
}
