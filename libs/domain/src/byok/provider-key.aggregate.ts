import { aggregate } from '../shared/aggregate';
import { providerKeysDecider } from './provider-key.decider';
import { PROVIDER_KEY_SCHEMA_VERSIONS } from './provider-key.events';
import { providerKeysStream } from './provider-key.stream';

/** One person's own provider keys (BYOK). */
export const providerKeys = aggregate(providerKeysStream, providerKeysDecider, PROVIDER_KEY_SCHEMA_VERSIONS);
