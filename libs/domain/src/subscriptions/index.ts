export * from './subscription-plans';
export * from './subscription.events';
export * from './subscription.decider';
export * from './subscription.aggregate';
