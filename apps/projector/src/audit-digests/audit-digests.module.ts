import { Module } from '@nestjs/common';
import { IntegrityModule } from '@ops/infra/event-store/integrity/integrity.module';
import { AuditDigestTimer } from './audit-digest-timer';

/** The periodic signed digest of every stream head (AUDIT_DIGEST_INTERVAL_SECONDS). */
@Module({ imports: [IntegrityModule], providers: [AuditDigestTimer], exports: [AuditDigestTimer] })
export class AuditDigestsModule {}
