import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { CommandRunner } from '../event-sourcing/command-runner';
import { createEventStore } from './create-event-store';
import { EVENT_STORE, type EventStore } from './event-store';

@Injectable()
class EventStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** The write side: the configured event store adapter (closed on shutdown) and the command runner over it. */
@Global()
@Module({
  providers: [
    {
      provide: EVENT_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createEventStore(config),
    },
    EventStoreLifecycle,
    CommandRunner,
  ],
  exports: [EVENT_STORE, CommandRunner],
})
export class EventStoreModule {}
