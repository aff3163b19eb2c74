import { type BeforeApplicationShutdown, Injectable, Logger, Module } from '@nestjs/common';
import { LagoConfig } from '@ops/infra/config/features/lago-config';
import { KafkaConfig } from '@ops/infra/kafka/kafka-config';
import { KAFKA_CLIENT, KAFKA_PRODUCER } from '@ops/infra/kafka/kafka.module';
import { ensureTopics } from '@ops/infra/kafka/topics';
import type { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { LagoApi } from './lago-api';
import { LagoSubscriptionSync } from './lago-subscription.sync';
import { LagoUsageSync } from './lago-usage.sync';
import { LagoWalletSync } from './lago-wallet.sync';
import { TransientRetry } from './retry';
import { UsageEventsRelay } from './usage-events.relay';

/** The Lago usage sync, or null when Lago is not configured. */
export const LAGO_USAGE_SYNC = Symbol('LAGO_USAGE_SYNC');
/** The Lago wallet top-up sync, or null when Lago is not configured. */
export const LAGO_WALLET_SYNC = Symbol('LAGO_WALLET_SYNC');
/** The Lago subscription sync (paid tiers as Lago plans), or null when Lago is not configured. */
export const LAGO_SUBSCRIPTION_SYNC = Symbol('LAGO_SUBSCRIPTION_SYNC');
/** The Kafka relay of usage messages, or null without KAFKA_BROKERS. */
export const USAGE_EVENTS_RELAY = Symbol('USAGE_EVENTS_RELAY');

/** Stops every Lago retry pause before the projector waits for its batches to end. */
@Injectable()
class LagoShutdown implements BeforeApplicationShutdown {
  readonly controller = new AbortController();

  beforeApplicationShutdown(): void {
    this.controller.abort();
  }
}

function lagoApi(config: LagoConfig): LagoApi | null {
  if (!config.LAGO_API_URL || !config.LAGO_API_KEY) return null;
  return new LagoApi(config.LAGO_API_URL, config.LAGO_API_KEY, config.LAGO_TIMEOUT_MS);
}

function retryFor(config: LagoConfig, shutdown: LagoShutdown, name: string): TransientRetry {
  return new TransientRetry(
    { baseMs: config.LAGO_RETRY_BASE_MS, maxMs: config.LAGO_RETRY_MAX_MS },
    shutdown.controller.signal,
    new Logger(name),
  );
}

/** Finance's feeds out of the log: usage, purchases and subscriptions to Lago, usage messages to Kafka. */
@Module({
  providers: [
    LagoShutdown,
    {
      provide: LAGO_USAGE_SYNC,
      inject: [LagoConfig, LagoShutdown],
      useFactory: (config: LagoConfig, shutdown: LagoShutdown) => {
        const api = lagoApi(config);
        return api
          ? new LagoUsageSync(
              api,
              retryFor(config, shutdown, 'LagoUsageSync'),
              config.LAGO_BILLABLE_METRIC_CODE,
            )
          : null;
      },
    },
    {
      provide: LAGO_WALLET_SYNC,
      inject: [LagoConfig, LagoShutdown, DataSource],
      useFactory: (config: LagoConfig, shutdown: LagoShutdown, db: DataSource) => {
        const api = lagoApi(config);
        return api ? new LagoWalletSync(api, retryFor(config, shutdown, 'LagoWalletSync'), db) : null;
      },
    },
    {
      provide: LAGO_SUBSCRIPTION_SYNC,
      inject: [LagoConfig, LagoShutdown],
      useFactory: (config: LagoConfig, shutdown: LagoShutdown) => {
        const api = lagoApi(config);
        return api ? new LagoSubscriptionSync(api, retryFor(config, shutdown, 'LagoSubscriptionSync')) : null;
      },
    },
    {
      provide: USAGE_EVENTS_RELAY,
      inject: [KafkaConfig, KAFKA_CLIENT, KAFKA_PRODUCER],
      useFactory: async (config: KafkaConfig, kafka: Kafka | null, producer: Producer | null) => {
        if (!kafka || !producer) return null;
        // -1: partitions and replication as the brokers' operators set their defaults.
        await ensureTopics(kafka, [
          { topic: config.KAFKA_USAGE_TOPIC, numPartitions: -1, replicationFactor: -1 },
        ]);
        return new UsageEventsRelay(producer, config.KAFKA_USAGE_TOPIC);
      },
    },
  ],
  exports: [LAGO_USAGE_SYNC, LAGO_WALLET_SYNC, LAGO_SUBSCRIPTION_SYNC, USAGE_EVENTS_RELAY],
})
export class LagoModule {}
