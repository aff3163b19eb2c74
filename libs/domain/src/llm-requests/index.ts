export * from './llm-request.commands';
export * from './llm-request.decider';
export * from './llm-request.events';
export * from './llm-request.stream';
export * from './llm-request.aggregate';
export * from './request-completions';
