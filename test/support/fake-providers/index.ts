export * from './deterministic-reply';
export * from './fake-anthropic-provider';
export * from './fake-openai-provider';
export type { FakeBehaviour, FakeProvider, FakeProviderOptions, RecordedRequest } from './fake-provider';
export * from './fake-huggingface-provider';
