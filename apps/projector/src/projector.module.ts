import { Global, Module } from '@nestjs/common';
import type { AppConfig } from '@ops/infra/config/app-config';
import { APP_CONFIG } from '@ops/infra/config/config.module';
import { PROJECTIONS, type Projection } from '@ops/infra/projections/projection';
import { PROJECTOR_STATUS } from '@ops/infra/projections/projector-status';
import { KafkaModule, KAFKA_PRODUCER } from '@ops/infra/kafka/kafka.module';
import type { Producer } from 'kafkajs';
import { CreditEventsRelay } from './relays/credit-events.relay';
import { AuditLogProjection } from './projections/audit-log.projection';
import { CreditLedgerProjection } from './projections/credit-ledger.projection';
import { PROJECTOR_OPTIONS, ProjectorService, type ProjectorOptions } from './runtime/projector.service';

/**
 * Every projection this process runs (the Kafka relay too, when KAFKA_BROKERS is set), and the
 * runtime that drives them. Global so that the health
 * check of whichever app hosts it can report its lag.
 */
@Global()
@Module({
  imports: [KafkaModule],
  providers: [
    CreditLedgerProjection,
    AuditLogProjection,
    {
      provide: CreditEventsRelay,
      inject: [KAFKA_PRODUCER, APP_CONFIG],
      useFactory: (producer: Producer | null, config: AppConfig) =>
        producer ? new CreditEventsRelay(producer, config.KAFKA_CREDITS_TOPIC) : null,
    },
    {
      provide: PROJECTIONS,
      inject: [CreditLedgerProjection, AuditLogProjection, CreditEventsRelay],
      useFactory: (...projections: (Projection | null)[]): Projection[] =>
        projections.filter((projection): projection is Projection => projection !== null),
    },
    {
      provide: PROJECTOR_OPTIONS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): ProjectorOptions => ({ batchSize: config.PROJECTOR_BATCH_SIZE }),
    },
    ProjectorService,
    { provide: PROJECTOR_STATUS, useExisting: ProjectorService },
  ],
  exports: [ProjectorService, PROJECTOR_STATUS],
})
export class ProjectorModule {}
