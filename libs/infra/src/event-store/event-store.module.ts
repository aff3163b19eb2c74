import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { CommandRunner } from '../event-sourcing/command-runner';
import { ProjectionProgress } from '../projections/projection-progress';
import { ReadModelFreshness } from '../projections/read-model-freshness';
import { createEventStore, type EventStoreDeployment } from './create-event-store';
import { EVENT_STORE, type EventStore } from './event-store';

@Injectable()
class EventStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/**
 * The write side: the configured event store adapter (closed on shutdown), the command runner over it,
 * and the wait that lets a command's caller read its own write (woken by this process's projector).
 */
@Global()
@Module({})
export class EventStoreModule {
  static forRoot(deployment: EventStoreDeployment): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        {
          provide: EVENT_STORE,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => createEventStore(config, deployment),
        },
        EventStoreLifecycle,
        CommandRunner,
        ReadModelFreshness,
        ProjectionProgress,
      ],
      exports: [EVENT_STORE, CommandRunner, ReadModelFreshness, ProjectionProgress],
    };
  }
}
