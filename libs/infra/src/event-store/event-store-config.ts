import { IsIn, IsOptional, Matches } from 'class-validator';
import { FeatureConfig } from '../config/feature-config';

/**
 * Which event store holds the log: PostgreSQL (the read-model database) or EventStoreDB.
 */
export class EventStoreConfig extends FeatureConfig {
  @IsIn(['postgres', 'eventstoredb'])
  EVENT_STORE: 'postgres' | 'eventstoredb' = 'postgres';

  /** EventStoreDB connection string, e.g. `esdb://localhost:2113?tls=false`; required with EVENT_STORE=eventstoredb. */
  @IsOptional()
  @Matches(/^esdb(\+discover)?:\/\/[^\s/?#]+\/?(\?\S*)?$/, {
    message:
      'ESDB_URL must be a URL starting with esdb:// or esdb+discover:// (e.g. esdb://localhost:2113?tls=false)',
  })
  ESDB_URL?: string;
}

export function eventStoreProblems(config: EventStoreConfig): string[] {
  return config.EVENT_STORE === 'eventstoredb' && !config.ESDB_URL
    ? ['ESDB_URL: required when EVENT_STORE=eventstoredb']
    : [];
}
