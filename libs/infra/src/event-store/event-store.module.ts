import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DatabaseConfig } from '../database/database-config';
import { CqrsModule } from '@nestjs/cqrs';
import { CommandRunner } from '../event-sourcing/command-runner';
import { RunAggregateCommandHandler } from '../event-sourcing/run-aggregate-command';
import { ProjectionProgress } from '../projections/projection-progress';
import { ReadModelFreshness } from '../projections/read-model-freshness';
import { createEventStore, type EventStoreDeployment } from './create-event-store';
import { EVENT_STORE, type EventStore } from './event-store';
import { EventStoreConfig } from './event-store-config';

@Injectable()
class EventStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/**
 * The write side: the configured event store adapter (closed on shutdown), the command runner over it
 * behind Nest's CommandBus (exported to every module), and the wait that lets a command's caller read
 * its own write (woken by this process's projector).
 */
@Global()
@Module({})
export class EventStoreModule {
  static forRoot(deployment: EventStoreDeployment): DynamicModule {
    return {
      module: EventStoreModule,
      imports: [CqrsModule],
      providers: [
        {
          provide: EVENT_STORE,
          inject: [EventStoreConfig, DatabaseConfig],
          useFactory: (config: EventStoreConfig, database: DatabaseConfig) =>
            createEventStore({ ...config, DATABASE_URL: database.DATABASE_URL }, deployment),
        },
        EventStoreLifecycle,
        CommandRunner,
        RunAggregateCommandHandler,
        ReadModelFreshness,
        ProjectionProgress,
      ],
      exports: [CqrsModule, EVENT_STORE, CommandRunner, ReadModelFreshness, ProjectionProgress],
    };
  }
}
