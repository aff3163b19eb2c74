export * from './llm-request.events';
export * from './llm-request.stream';
