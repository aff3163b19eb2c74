import { ApiKeyRow } from './api-keys/api-key.table';
import { AuditLogRow } from './audit-log/audit-log.table';
import { CreditBalanceRow } from './credit-ledger/credit-balance.table';
import { CreditTransactionRow } from './credit-ledger/credit-transaction.table';
import { HostRow } from './hosts/host.table';
import { LocalUserSshKeyRow } from './local-users/local-user-ssh-key.table';
import { LocalUserRow } from './local-users/local-user.table';
import { ProviderHealthRow } from './provider-health/provider-health.table';
import { ProviderKeyRow } from './provider-keys/provider-key.table';
import { UsageDailyRow } from './usage/usage-daily.table';
import { UsageLogRow } from './usage/usage-log.table';

/** The read models' tables that the API reads through TypeORM repositories. */
export const READ_MODEL_TABLES = [
  ApiKeyRow,
  AuditLogRow,
  CreditBalanceRow,
  CreditTransactionRow,
  HostRow,
  LocalUserRow,
  LocalUserSshKeyRow,
  ProviderHealthRow,
  ProviderKeyRow,
  UsageDailyRow,
  UsageLogRow,
];
