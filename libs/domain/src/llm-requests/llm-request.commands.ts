import type { RequestCompleted, RequestFailed, RequestRouted } from './llm-request.events';

export interface RecordRouting {
  readonly type: 'RecordRouting';
  readonly routed: RequestRouted['data'];
}

export interface RecordCompletion {
  readonly type: 'RecordCompletion';
  readonly completed: RequestCompleted['data'];
}

export interface RecordFailure {
  readonly type: 'RecordFailure';
  readonly failed: RequestFailed['data'];
}

export type LlmRequestCommand = RecordRouting | RecordCompletion | RecordFailure;
