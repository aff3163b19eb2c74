export * from './shared/decider';
export * from './shared/domain-error';
export * from './shared/micros';
export * from './shared/user-id';
export * from './credits';
export * from './local-users';
export * from './hosts';
export * from './llm-requests';
