import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { connectIdempotentProducer } from './idempotent-producer';
import { createKafkaClient, parseBrokers } from './kafka-client';
import { KafkaConfig } from './kafka-config';
import { kafkaSecurity } from './kafka-security';
import { ensureTopics } from './topics';

/** The kafkajs client, or null when KAFKA_BROKERS is not set. */
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');

/** The idempotent producer, or null when KAFKA_BROKERS is not set (nothing is relayed then). */
export const KAFKA_PRODUCER = Symbol('KAFKA_PRODUCER');

/** -1 lets the brokers' own defaults decide partitions and replication, as a cluster's operators set them. */
const BROKER_DEFAULT = -1;

async function connectClient(config: KafkaConfig, logger: PinoLogger): Promise<Kafka | null> {
  if (!config.KAFKA_BROKERS) return null;
  logger.setContext('kafka');
  const kafka = createKafkaClient({
    brokers: parseBrokers(config.KAFKA_BROKERS),
    clientId: config.KAFKA_CLIENT_ID,
    security: kafkaSecurity(config),
    logger: {
      error: (context, message) => logger.error(context, message),
      warn: (context, message) => logger.warn(context, message),
      info: (context, message) => logger.info(context, message),
      debug: (context, message) => logger.debug(context, message),
    },
  });
  const topics = [
    config.KAFKA_CREDITS_TOPIC,
    config.KAFKA_HOST_COMMANDS_TOPIC,
    config.KAFKA_HOST_REPORTS_TOPIC,
  ];
  await ensureTopics(
    kafka,
    topics.map((topic) => ({ topic, numPartitions: BROKER_DEFAULT, replicationFactor: BROKER_DEFAULT })),
  );
  return kafka;
}

@Injectable()
class ProducerLifecycle implements OnApplicationShutdown {
  constructor(@Inject(KAFKA_PRODUCER) private readonly producer: Producer | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.producer?.disconnect();
  }
}

/** Kafka for the relays: connected at start when configured, disconnected after the projector stopped. */
@Global()
@Module({
  providers: [
    { provide: KAFKA_CLIENT, inject: [KafkaConfig, PinoLogger], useFactory: connectClient },
    {
      provide: KAFKA_PRODUCER,
      inject: [KAFKA_CLIENT],
      useFactory: (kafka: Kafka | null) => (kafka ? connectIdempotentProducer(kafka) : null),
    },
    ProducerLifecycle,
  ],
  exports: [KAFKA_CLIENT, KAFKA_PRODUCER],
})
export class KafkaModule {}
