import { aggregate } from '../shared/aggregate';
import { hostDecider } from './host.decider';
import { HOST_SCHEMA_VERSIONS } from './host.events';
import { hostStream } from './host.stream';

/** One managed host: its registration, agent keys and inventory. */
export const managedHost = aggregate(hostStream, hostDecider, HOST_SCHEMA_VERSIONS);
