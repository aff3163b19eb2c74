export * from './provider-health.decider';
export * from './provider-health.events';
export * from './provider-health.aggregate';
