import { aggregate } from '../shared/aggregate';
import { subscriptionDecider } from './subscription.decider';
import { SUBSCRIPTION_SCHEMA_VERSIONS, subscriptionStream } from './subscription.events';

/** One person's paid subscription. */
export const subscription = aggregate(subscriptionStream, subscriptionDecider, SUBSCRIPTION_SCHEMA_VERSIONS);
