import type { DatabaseConfig } from '../database/database-config';
import type { EventStoreConfig } from './event-store-config';
import type { EventStore } from './event-store';
import { EventStoreDbEventStore } from './eventstoredb';
import { PostgresEventStore } from './postgres';

export interface EventStoreDeployment {
  /** This process is the whole system (API, projector, agent): nobody else reads the log live. */
  soleProcess: boolean;
}

/** The adapter the configuration names: PostgreSQL (the embedded default) or EventStoreDB. */
export function createEventStore(
  config: Pick<EventStoreConfig, 'EVENT_STORE' | 'ESDB_URL'> & Pick<DatabaseConfig, 'DATABASE_URL'>,
  deployment: EventStoreDeployment = { soleProcess: false },
): EventStore {
  if (config.EVENT_STORE === 'eventstoredb') {
    if (!config.ESDB_URL) throw new Error('ESDB_URL is required when EVENT_STORE=eventstoredb');
    return new EventStoreDbEventStore(config.ESDB_URL);
  }
  if (!config.DATABASE_URL)
    throw new Error('DATABASE_URL is not resolved: start through a main that provisions it');
  return new PostgresEventStore(config.DATABASE_URL, { notifyOtherProcesses: !deployment.soleProcess });
}
