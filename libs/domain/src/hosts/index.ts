export * from './host-id';
export * from './host.commands';
export * from './host.decider';
export * from './host.events';
export * from './host.stream';
export * from './inventory';
export * from './agent-keys';
export * from './host.aggregate';
