import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';
import { kafkaLogCreator, type KafkaLogger } from './kafka-logging';

/** How a client proves itself to the brokers and checks them: TLS options and SASL credentials. */
export interface KafkaSecurity {
  ssl?: ConnectionOptions;
  sasl?: SASLOptions;
}

export interface KafkaClientOptions {
  brokers: readonly string[];
  clientId: string;
  logger: KafkaLogger;
  security?: KafkaSecurity;
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
  const { ssl, sasl } = options.security ?? {};
  return new Kafka({
    brokers: [...options.brokers],
    clientId: options.clientId,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(options.logger),
    ...(ssl ? { ssl: { ...ssl } } : {}),
    // A copy: kafkajs caches an authenticator bound to these credentials on the object it is given.
    ...(sasl ? { sasl: { ...sasl } } : {}),
  });
}
