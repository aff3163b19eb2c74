import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysQueries } from './api-keys/api-keys.queries';
import { AuditLogQueries } from './audit-log/audit-log.queries';
import { CreditHoldsQueries } from './credit-holds/credit-holds.queries';
import { CreditLedgerQueries } from './credit-ledger/credit-ledger.queries';
import { HostsQueries } from './hosts/hosts.queries';
import { LocalUsersQueries } from './local-users/local-users.queries';
import { ProviderKeysQueries } from './provider-keys/provider-keys.queries';
import { UsageQueries } from './usage/usage.queries';
import { READ_MODEL_TABLES } from './tables';

const QUERIES = [
  ApiKeysQueries,
  AuditLogQueries,
  CreditHoldsQueries,
  CreditLedgerQueries,
  HostsQueries,
  LocalUsersQueries,
  ProviderKeysQueries,
  UsageQueries,
];

/** The read models' repositories and queries, injectable in every module of the process that imports this once. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature(READ_MODEL_TABLES)],
  providers: QUERIES,
  exports: [TypeOrmModule, ...QUERIES],
})
export class ReadModelsModule {}
