import { Kafka, logLevel } from 'kafkajs';
import { kafkaLogCreator, type KafkaLogger } from './kafka-logging';

export interface KafkaClientOptions {
  brokers: readonly string[];
  clientId: string;
  logger: KafkaLogger;
}

/** Splits the KAFKA_BROKERS setting (`host:port,host:port`) into the list kafkajs expects. */
export function parseBrokers(list: string): string[] {
  const brokers = list
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS lists no broker');
  return brokers;
}

/** kafkajs's INFO level narrates every connection and group join; WARN keeps what needs a look. */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  return new Kafka({
    brokers: [...options.brokers],
    clientId: options.clientId,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(options.logger),
  });
}
