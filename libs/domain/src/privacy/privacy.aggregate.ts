import { aggregate } from '../shared/aggregate';
import { privacyDecider } from './privacy.decider';
import { PRIVACY_SCHEMA_VERSIONS } from './privacy.events';
import { privacyStream } from './privacy.stream';

/** One subject's personal-data erasures. */
export const privacy = aggregate(privacyStream, privacyDecider, PRIVACY_SCHEMA_VERSIONS);
