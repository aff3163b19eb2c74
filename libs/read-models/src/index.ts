import { ApiKeysProjection } from './api-keys';
import { AuditLogProjection } from './audit-log';
import { CreditHoldsProjection } from './credit-holds';
import { CreditLedgerProjection } from './credit-ledger';
import { HostsProjection } from './hosts';
import { LocalUsersProjection } from './local-users';
import { ProviderHealthProjection } from './provider-health';
import { ProviderKeysProjection } from './provider-keys';
import { UsageProjection } from './usage';

export * from './api-keys';
export * from './audit-log';
export * from './credit-holds';
export * from './credit-ledger';
export * from './hosts';
export * from './local-users';
export * from './paging';
export * from './provider-health';
export * from './provider-keys';
export * from './usage';
export * from './read-models.module';
export * from './tables';

/** Every read model's projection, as the projector runs them. */
export const READ_MODEL_PROJECTION_TYPES = [
  ApiKeysProjection,
  AuditLogProjection,
  CreditHoldsProjection,
  CreditLedgerProjection,
  HostsProjection,
  LocalUsersProjection,
  ProviderHealthProjection,
  ProviderKeysProjection,
  UsageProjection,
];
