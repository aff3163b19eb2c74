import type { Provider } from '@nestjs/common';
import { AuditEventReader } from '@ops/infra/audit';
import type { AppConfig } from '@ops/infra/config/app-config';
import { APP_CONFIG } from '@ops/infra/config/config.module';

export const AUDIT_EVENT_READER = Symbol('AUDIT_EVENT_READER');

/** The reader works on the PostgreSQL log; with EventStoreDB there is none (the routes answer 501). */
export const auditEventReaderProvider: Provider = {
  provide: AUDIT_EVENT_READER,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): AuditEventReader | null =>
    config.EVENT_STORE === 'postgres' && config.DATABASE_URL
      ? AuditEventReader.connect(config.DATABASE_URL)
      : null,
};
