import { ApiKeyRow } from './api-key.entity';
import { AuditLogRow } from './audit-log.entity';
import { CreditBalanceRow } from './credit-balance.entity';
import { CreditTransactionRow } from './credit-transaction.entity';
import { HostRow } from './host.entity';
import { LagoDeliveryRow } from './lago-delivery.entity';
import { LagoParkedEventRow } from './lago-parked-event.entity';
import { LagoSubscriptionRow } from './lago-subscription.entity';
import { LocalUserSshKeyRow } from './local-user-ssh-key.entity';
import { failureView, LocalUserRow } from './local-user.entity';
import { ProjectionCheckpointRow } from './projection-checkpoint.entity';
import { ProviderKeyRow } from './provider-key.entity';
import { SubjectDataKeyRow } from '../crypto/data-keys/subject-data-key.entity';
import { UsageDailyRow } from './usage-daily.entity';
import { UsageLogRow } from './usage-log.entity';

export {
  failureView,
  ApiKeyRow,
  AuditLogRow,
  CreditBalanceRow,
  CreditTransactionRow,
  HostRow,
  LagoDeliveryRow,
  LagoParkedEventRow,
  LagoSubscriptionRow,
  LocalUserRow,
  LocalUserSshKeyRow,
  ProjectionCheckpointRow,
  ProviderKeyRow,
  UsageDailyRow,
  UsageLogRow,
};
export type { LagoDeliveryKind, LagoDeliveryStatus } from './lago-delivery.entity';
export type { LastOutcome, LastOutcomeField, LocalUserSyncState } from './local-user.entity';
export type { ProviderKeyStatus } from './provider-key.entity';

export const READ_MODEL_ENTITIES = [
  AuditLogRow,
  CreditBalanceRow,
  CreditTransactionRow,
  HostRow,
  LocalUserRow,
  LocalUserSshKeyRow,
  ProjectionCheckpointRow,
  ApiKeyRow,
  UsageLogRow,
  UsageDailyRow,
  ProviderKeyRow,
  SubjectDataKeyRow,
  LagoSubscriptionRow,
  LagoDeliveryRow,
  LagoParkedEventRow,
];
export * from './projection-names';
