import { Module } from '@nestjs/common';
import { AuthModule } from '@ops/infra/auth';
import { AuditLogModule } from './audit-log/audit-log.module';
import { CreditsModule } from './credits/credits.module';
import { HostsModule } from './hosts/hosts.module';
import { LocalUsersModule } from './local-users/local-users.module';

/** The admin and consumer HTTP API: authentication and every capability's controllers. */
@Module({
  imports: [AuthModule, CreditsModule, LocalUsersModule, HostsModule, AuditLogModule],
})
export class ApiModule {}
