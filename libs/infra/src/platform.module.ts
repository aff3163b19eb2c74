import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { CryptoModule } from './crypto/crypto.module';
import { DatabaseModule } from './database/database.module';
import type { EventStoreDeployment } from './event-store/create-event-store';
import { EventStoreModule } from './event-store/event-store.module';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './http/logging/logging.module';
import { MetricsModule } from './http/metrics/metrics.module';

/**
 * What every ops-center process stands on, whichever capabilities it hosts: validated config, logs,
 * metrics, health, the read-model database and the event store.
 */
@Module({})
export class PlatformModule {
  static forRoot(
    config: AppConfig,
    deployment: EventStoreDeployment = { soleProcess: false },
  ): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        MetricsModule,
        CryptoModule,
        DatabaseModule,
        EventStoreModule.forRoot(deployment),
        HealthModule,
      ],
      exports: [DatabaseModule],
    };
  }
}
