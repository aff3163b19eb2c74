import { aggregate } from '../shared/aggregate';
import { apiKeyDecider } from './api-key.decider';
import { API_KEY_SCHEMA_VERSIONS } from './api-key.events';
import { apiKeyStream } from './api-key.stream';

/** One person's personal API keys. */
export const apiKeys = aggregate(apiKeyStream, apiKeyDecider, API_KEY_SCHEMA_VERSIONS);
