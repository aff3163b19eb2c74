import { aggregate } from '../shared/aggregate';
import { localUserDecider } from './local-user.decider';
import { LOCAL_USER_SCHEMA_VERSIONS } from './local-user.events';
import { localUserStream } from './local-user.stream';

/** One Linux account on one host. */
export const localUser = aggregate(localUserStream, localUserDecider, LOCAL_USER_SCHEMA_VERSIONS);
