import type { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { parseHostCommand } from './host-messages';
import type { HostCommandHandler, HostCommandSource } from './host-transport';

export interface KafkaHostCommandSourceOptions {
  kafka: Kafka;
  topic: string;
  hostId: string;
  logger: Logger;
  /** Called when the consumer gave up for good; the process should exit so its supervisor restarts it. */
  onFatal: (error: Error) => void;
}

/**
 * kafkajs heartbeats only between messages, so a command must finish well within the session; the
 * tools' own timeout is shorter. A short session lets a restarted agent take over from its killed
 * predecessor within seconds.
 */
const SESSION_TIMEOUT_MS = 15_000;
const HEARTBEAT_INTERVAL_MS = 3_000;

/**
 * Host commands from Kafka: one consumer group per host reading the whole topic, keeping the
 * messages keyed by its host id, one at a time. The offset is committed only after the handler
 * resolved, i.e. after the outcome was published: a crash or a broker outage before that means the
 * command comes again, and the agent's idempotency makes the second delivery a no-op.
 */
export class KafkaHostCommandSource implements HostCommandSource {
  private consumer: Consumer | null = null;

  constructor(private readonly options: KafkaHostCommandSourceOptions) {}

  async start(handler: HostCommandHandler): Promise<void> {
    const { kafka, topic, hostId } = this.options;
    const consumer = kafka.consumer({
      groupId: `host-agent-${hostId}`,
      sessionTimeout: SESSION_TIMEOUT_MS,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.options.onFatal(payload.error);
    });
    await consumer.connect();
    // A new host's group starts at the beginning: commands may be waiting from before it first ran.
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: (payload) => this.consume(consumer, payload, handler),
    });
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = null;
    await consumer?.disconnect();
  }

  private async consume(
    consumer: Consumer,
    payload: EachMessagePayload,
    handler: HostCommandHandler,
  ): Promise<void> {
    const { topic, partition, message } = payload;
    if (message.key?.toString('utf8') === this.options.hostId) {
      const command = parseHostCommand(message.value);
      if (command) await handler(command);
      else
        this.options.logger.error({ partition, offset: message.offset }, 'host command unreadable, skipped');
    }
    const next = (BigInt(message.offset) + 1n).toString();
    await consumer.commitOffsets([{ topic, partition, offset: next }]);
  }
}
