export * from './provider-key.commands';
export * from './provider-key.decider';
export * from './provider-key.events';
export * from './provider-key.stream';
export * from './provider-key.aggregate';
