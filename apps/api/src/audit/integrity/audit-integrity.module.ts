import { Module } from '@nestjs/common';
import { IntegrityModule } from '@ops/infra/event-store/integrity/integrity.module';
import { AuditIntegrityController } from './audit-integrity.controller';

/** Verify endpoints and on-demand signed digests over the event log, for auditors and admins. */
@Module({ imports: [IntegrityModule], controllers: [AuditIntegrityController] })
export class AuditIntegrityModule {}
