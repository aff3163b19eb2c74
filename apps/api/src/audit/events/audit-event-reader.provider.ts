import type { Provider } from '@nestjs/common';
import { AuditEventReader } from '@ops/infra/audit';
import { DatabaseConfig } from '@ops/infra/database/database-config';
import { EventStoreConfig } from '@ops/infra/event-store/event-store-config';

export const AUDIT_EVENT_READER = Symbol('AUDIT_EVENT_READER');

/** The reader works on the PostgreSQL log; with EventStoreDB there is none (the routes answer 501). */
export const auditEventReaderProvider: Provider = {
  provide: AUDIT_EVENT_READER,
  inject: [EventStoreConfig, DatabaseConfig],
  useFactory: (config: EventStoreConfig, database: DatabaseConfig): AuditEventReader | null =>
    config.EVENT_STORE === 'postgres' && database.DATABASE_URL
      ? AuditEventReader.connect(database.DATABASE_URL)
      : null,
};
