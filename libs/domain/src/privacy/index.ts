export * from './privacy.commands';
export * from './privacy.decider';
export * from './privacy.events';
export * from './privacy.stream';
export * from './sealed-field';
export * from './privacy.aggregate';
