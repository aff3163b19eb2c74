import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DomainError } from '@ops/domain';
import { HostsConfig } from '@ops/infra/host-commands/hosts-config';
import { KafkaConfig } from '@ops/infra/kafka/kafka-config';
import { KAFKA_CLIENT } from '@ops/infra/kafka/kafka.module';
import type { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import type { SignedHostReport } from '@ops/infra/host-trust/host-report-signature';
import { VerifiedHostReports } from '@ops/infra/host-reports/verified-host-reports';

/**
 * Reads what the agents publish (outcomes, inventories) and records what their signatures vouch for
 * as events. The offset is committed after the event is appended; a redelivered report appends
 * nothing (see the recorder).
 */
@Injectable()
export class KafkaHostReportsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(KafkaHostReportsConsumer.name);
  private consumer: Consumer | null = null;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka | null,
    private readonly hosts: HostsConfig,
    private readonly config: KafkaConfig,
    private readonly reports: VerifiedHostReports,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.kafka || this.hosts.HOST_COMMAND_TRANSPORT !== 'kafka') return;
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
    const where = { partition, offset: message.offset };
    const report = this.parse(message.value);
    // An agent speaks for its own host only: the key the broker carried must be the host the report names.
    if (!report || report.hostId !== message.key?.toString('utf8')) {
      this.logger.error(where, 'host report unreadable or not from the host it names: parked (skipped)');
    } else {
      try {
        await this.reports.report(report);
      } catch (error) {
        // A report the signature check or the domain refuses is refused on every retry: park it rather than block the partition.
        // Anything else (the database away) is thrown, and the report comes again.
        if (!(error instanceof DomainError)) throw error;
        this.logger.error(
          { ...where, hostId: report.hostId, reason: error.message },
          'host report refused: parked',
        );
      }
    }
    await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
  }

  private parse(value: Buffer | null): SignedHostReport | null {
    try {
      const parsed: unknown = value ? JSON.parse(value.toString('utf8')) : null;
      if (typeof parsed !== 'object' || parsed === null) return null;
      const { kind, hostId } = parsed as { kind?: unknown; hostId?: unknown };
      return (kind === 'outcome' || kind === 'inventory') && typeof hostId === 'string'
        ? (parsed as SignedHostReport)
        : null;
    } catch {
      return null;
    }
  }
}
