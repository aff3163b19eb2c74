/**
 * Names of the projections (checkpoint keys) whose tables serve a read that follows a write at once,
 * shared by the projection and by the command that waits for it (ReadModelFreshness).
 */
export const API_KEYS_PROJECTION = 'api-keys';
export const PROVIDER_KEYS_PROJECTION = 'provider-keys';
