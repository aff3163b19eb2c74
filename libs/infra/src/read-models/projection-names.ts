/**
 * Names of the read-model projections (their checkpoint keys), shared by each projection and by the
 * API routes that wait for it to apply a log position (ReadModelFreshness).
 */
export const API_KEYS_PROJECTION = 'api-keys';
export const AUDIT_LOG_PROJECTION = 'audit-log';
export const CREDIT_HOLDS_PROJECTION = 'credit-holds';
export const CREDIT_LEDGER_PROJECTION = 'credit-ledger';
export const HOSTS_PROJECTION = 'hosts';
export const LOCAL_USERS_PROJECTION = 'local-users';
export const PROVIDER_HEALTH_PROJECTION = 'provider-health';
export const PROVIDER_KEYS_PROJECTION = 'provider-keys';
export const USAGE_PROJECTION = 'usage';

/** Every read model: what a read that names none waits for when asked for a minimum position. */
export const READ_MODEL_PROJECTIONS: readonly string[] = [
  API_KEYS_PROJECTION,
  AUDIT_LOG_PROJECTION,
  CREDIT_HOLDS_PROJECTION,
  CREDIT_LEDGER_PROJECTION,
  HOSTS_PROJECTION,
  LOCAL_USERS_PROJECTION,
  PROVIDER_HEALTH_PROJECTION,
  PROVIDER_KEYS_PROJECTION,
  USAGE_PROJECTION,
];
