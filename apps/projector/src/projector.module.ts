import { Global, Logger, Module } from '@nestjs/common';
import { SecretBox } from '@ops/infra/crypto/secret-box';
import { EVENT_STORE, type EventStore } from '@ops/infra/event-store/event-store';
import {
  HOST_COMMAND_DISPATCHER,
  type HostCommandDispatcher,
} from '@ops/infra/host-commands/host-command-dispatcher';
import { HostsConfig } from '@ops/infra/host-commands/hosts-config';
import { HostTrustConfig } from '@ops/infra/host-trust/host-trust-config';
import { KafkaConfig } from '@ops/infra/kafka/kafka-config';
import { KafkaModule, KAFKA_PRODUCER } from '@ops/infra/kafka/kafka.module';
import { PROJECTIONS, type Projection } from '@ops/infra/projections/projection';
import { PROJECTOR_STATUS } from '@ops/infra/projections/projector-status';
import { ProjectionsConfig } from '@ops/infra/projections/projections-config';
import { NodeConfig } from '@ops/infra/runtime/node-config';
import { loadHostCommandSigningKey } from '@ops/infra/host-trust/host-command-signature';
import { exportPublicKey } from '@ops/infra/host-trust/public-keys';
import type { Producer } from 'kafkajs';
import { HostReportRecorder } from '@ops/infra/host-reports/host-report-recorder';
import { KafkaHostReportsConsumer } from './host-reports/kafka-host-reports.consumer';
import { VerifiedHostReports } from '@ops/infra/host-reports/verified-host-reports';
import {
  LAGO_SUBSCRIPTION_SYNC,
  LAGO_USAGE_SYNC,
  LAGO_WALLET_SYNC,
  LagoModule,
  USAGE_EVENTS_RELAY,
} from './lago/lago.module';
import { READ_MODEL_PROJECTION_TYPES } from '@ops/read-models';
import { CreditEventsRelay } from './relays/credit-events.relay';
import { HostCommandsRelay } from './relays/host-commands.relay';
import { KafkaHostCommandDispatcher } from './relays/kafka-host-command.dispatcher';
import { ProjectorMetrics } from './runtime/projector-metrics';
import {
  PROJECTOR_MANUAL_START,
  PROJECTOR_OPTIONS,
  ProjectorService,
  type ProjectorOptions,
} from './runtime/projector.service';
import { AuditDigestsModule } from './audit-digests/audit-digests.module';

/**
 * The host-command relay, over Kafka or to the agent running in this process, whichever the
 * configuration names; none when neither is there (a projector with no way to reach agents).
 */
function hostCommandsRelay(
  hosts: HostsConfig,
  kafka: KafkaConfig,
  trust: HostTrustConfig,
  node: NodeConfig,
  store: EventStore,
  box: SecretBox,
  recorder: HostReportRecorder,
  producer: Producer | null,
  inProcess: HostCommandDispatcher | undefined,
): HostCommandsRelay | null {
  const dispatcher =
    hosts.HOST_COMMAND_TRANSPORT === 'kafka' && producer
      ? new KafkaHostCommandDispatcher(producer, kafka.KAFKA_HOST_COMMANDS_TOPIC)
      : inProcess;
  if (!dispatcher) return null;
  const signingKey = loadHostCommandSigningKey({ ...trust, ...node });
  // Public: what each agent's HOST_COMMAND_PUBLIC_KEYS must list.
  new Logger('HostCommandsRelay').log(
    `host commands are signed with the public key ${exportPublicKey(signingKey.publicKey)}`,
  );
  return new HostCommandsRelay(store, dispatcher, {
    signingKey,
    box,
    recordFailure: (outcome) => recorder.outcome(outcome),
  });
}

/**
 * Every projection this process runs (and the relays to Kafka and to host agents), the runtime that
 * drives them, and the recorder of what agents report. Global so that the health check of whichever
 * app hosts it can report its lag, and an in-process agent can report through the recorder.
 */
@Global()
@Module({
  imports: [KafkaModule, LagoModule, AuditDigestsModule],
  providers: [
    ...READ_MODEL_PROJECTION_TYPES,
    {
      provide: CreditEventsRelay,
      inject: [KAFKA_PRODUCER, KafkaConfig],
      useFactory: (producer: Producer | null, config: KafkaConfig) =>
        producer ? new CreditEventsRelay(producer, config.KAFKA_CREDITS_TOPIC) : null,
    },
    {
      provide: HostCommandsRelay,
      inject: [
        HostsConfig,
        KafkaConfig,
        HostTrustConfig,
        NodeConfig,
        EVENT_STORE,
        SecretBox,
        HostReportRecorder,
        KAFKA_PRODUCER,
        { token: HOST_COMMAND_DISPATCHER, optional: true },
      ],
      useFactory: hostCommandsRelay,
    },
    {
      provide: PROJECTIONS,
      inject: [
        ...READ_MODEL_PROJECTION_TYPES,
        CreditEventsRelay,
        HostCommandsRelay,
        LAGO_USAGE_SYNC,
        LAGO_WALLET_SYNC,
        LAGO_SUBSCRIPTION_SYNC,
        USAGE_EVENTS_RELAY,
      ],
      useFactory: (...projections: (Projection | null)[]): Projection[] =>
        projections.filter((projection): projection is Projection => projection !== null),
    },
    {
      provide: PROJECTOR_OPTIONS,
      inject: [ProjectionsConfig, { token: PROJECTOR_MANUAL_START, optional: true }],
      useFactory: (config: ProjectionsConfig, manualStart?: boolean): ProjectorOptions => ({
        batchSize: config.PROJECTOR_BATCH_SIZE,
        startOnBootstrap: manualStart !== true,
      }),
    },
    ProjectorService,
    ProjectorMetrics,
    { provide: PROJECTOR_STATUS, useExisting: ProjectorService },
    HostReportRecorder,
    VerifiedHostReports,
    KafkaHostReportsConsumer,
  ],
  exports: [ProjectorService, PROJECTOR_STATUS, VerifiedHostReports],
})
export class ProjectorModule {}
