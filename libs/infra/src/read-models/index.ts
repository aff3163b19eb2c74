import { AuditLogRow } from './audit-log.entity';
import { CreditBalanceRow } from './credit-balance.entity';
import { CreditTransactionRow } from './credit-transaction.entity';
import { ProjectionCheckpointRow } from './projection-checkpoint.entity';

export { AuditLogRow, CreditBalanceRow, CreditTransactionRow, ProjectionCheckpointRow };

export const READ_MODEL_ENTITIES = [
  AuditLogRow,
  CreditBalanceRow,
  CreditTransactionRow,
  ProjectionCheckpointRow,
];
