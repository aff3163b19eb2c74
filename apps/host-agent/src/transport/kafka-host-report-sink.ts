import type { SignedHostReport } from '@ops/infra/host-trust/host-report-signature';
import { publishAcknowledged } from '@ops/infra/kafka/idempotent-producer';
import type { Producer } from 'kafkajs';
import type { SignedReportSink } from '@ops/infra/host-trust/host-report-signature';

/**
 * Signed reports on the reports topic, keyed by host id so one host's reports stay in order. Each
 * call resolves only once all in-sync replicas have the message: the command is acknowledged after that.
 */
export class KafkaHostReportSink implements SignedReportSink {
  constructor(
    private readonly producer: Pick<Producer, 'send'>,
    private readonly topic: string,
    private readonly hostId: string,
  ) {}

  async report(report: SignedHostReport): Promise<void> {
    await publishAcknowledged(this.producer, this.topic, [
      { key: this.hostId, value: JSON.stringify(report) },
    ]);
  }
}
