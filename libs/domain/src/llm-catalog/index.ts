export * from './llm-catalog.stream';
export * from './llm-catalog.events';
export * from './llm-catalog.decider';
export * from './catalog-changes';
export * from './litellm-prices';
export * from './llm-catalog.aggregate';
