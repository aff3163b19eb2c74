export * from './api-key-format';
export * from './api-key.commands';
export * from './api-key.decider';
export * from './api-key.events';
export * from './api-key.stream';
export * from './subject-access';
export * from './api-key.aggregate';
export * from './subject-access.aggregate';
