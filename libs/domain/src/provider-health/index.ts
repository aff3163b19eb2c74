export * from './provider-health.decider';
export * from './provider-health.events';
