import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AuditEventReader } from '@ops/infra/audit';
import { AUDIT_EVENT_READER, auditEventReaderProvider } from './audit-event-reader.provider';
import { AuditEventsController } from './audit-events.controller';

@Module({ controllers: [AuditEventsController], providers: [auditEventReaderProvider] })
export class AuditEventsModule implements OnApplicationShutdown {
  constructor(@Inject(AUDIT_EVENT_READER) private readonly reader: AuditEventReader | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.reader?.close();
  }
}
