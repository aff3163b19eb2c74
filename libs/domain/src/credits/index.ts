export * from './credit-account.commands';
export * from './credit-account.decider';
export * from './credit-account.events';
export * from './credit-account.state';
export * from './credit-account.stream';
export * from './credit-account.aggregate';
