import { loadConfig } from '@ops/infra/config/app-config';
import type { KafkaSecurity } from '@ops/infra/kafka/kafka-client';
import { kafkaSecurity } from '@ops/infra/kafka/kafka-security';
import { kafkaEnv } from './kafka';

/**
 * What a suite's own kafkajs client needs to reach the run's broker, read as the product reads it.
 * Apart from ./kafka, which the global setup loads without the `@ops/*` paths.
 */
export function kafkaTestSecurity(): KafkaSecurity {
  return kafkaSecurity(loadConfig(kafkaEnv()));
}
