import { AuditLogRow } from './audit-log.entity';
import { CreditBalanceRow } from './credit-balance.entity';
import { CreditTransactionRow } from './credit-transaction.entity';
import { HostRow } from './host.entity';
import { LocalUserSshKeyRow } from './local-user-ssh-key.entity';
import { LocalUserRow } from './local-user.entity';
import { ProjectionCheckpointRow } from './projection-checkpoint.entity';

export {
  AuditLogRow,
  CreditBalanceRow,
  CreditTransactionRow,
  HostRow,
  LocalUserRow,
  LocalUserSshKeyRow,
  ProjectionCheckpointRow,
};
export type { LastOutcome, LocalUserSyncState } from './local-user.entity';

export const READ_MODEL_ENTITIES = [
  AuditLogRow,
  CreditBalanceRow,
  CreditTransactionRow,
  HostRow,
  LocalUserRow,
  LocalUserSshKeyRow,
  ProjectionCheckpointRow,
];
