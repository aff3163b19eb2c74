import { aggregate } from '../shared/aggregate';
import { providerHealthDecider } from './provider-health.decider';
import { PROVIDER_HEALTH_SCHEMA_VERSIONS, providerHealthStream } from './provider-health.events';

/** One provider's reported health. */
export const providerHealth = aggregate(
  providerHealthStream,
  providerHealthDecider,
  PROVIDER_HEALTH_SCHEMA_VERSIONS,
);
