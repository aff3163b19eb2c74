import { Module } from '@nestjs/common';
import { AuthModule } from '@ops/infra/auth';
import { ReadModelsModule } from '@ops/read-models';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditLogModule } from './audit-log/audit-log.module';
import { AuditEventsModule } from './audit/events/audit-events.module';
import { AuditIntegrityModule } from './audit/integrity/audit-integrity.module';
import { AuditStateModule } from './audit/state/audit-state.module';
import { BillingModule } from './billing/billing.module';
import { ConsoleModule } from './console/console.module';
import { ByokModule } from './byok/byok.module';
import { CreditsModule } from './credits/credits.module';
import { FinanceModule } from './finance/finance.module';
import { GatewayModule } from './gateway/gateway.module';
import { HostsModule } from './hosts/hosts.module';
import { LlmUsageModule } from './llm-usage/llm-usage.module';
import { LocalUsersModule } from './local-users/local-users.module';
import { PrivacyModule } from './privacy/privacy.module';
import { ReadYourWritesModule } from './common/read-your-writes/read-your-writes.module';
import { SubjectAccessModule } from './subject-access/subject-access.module';
import { SystemModule } from './system/system.module';

/** The admin and consumer HTTP API: authentication and every capability's controllers. */
@Module({
  imports: [
    ReadModelsModule,
    AuthModule,
    ReadYourWritesModule,
    CreditsModule,
    LocalUsersModule,
    HostsModule,
    AuditLogModule,
    // Before the events module: routes match in this order, and `streams/*stream` would take `…/verify`.
    AuditIntegrityModule,
    AuditEventsModule,
    AuditStateModule,
    ApiKeysModule,
    LlmUsageModule,
    ByokModule,
    PrivacyModule,
    SubjectAccessModule,
    BillingModule,
    FinanceModule,
    ConsoleModule,
    GatewayModule,
    SystemModule,
  ],
})
export class ApiModule {}
