import type { RequestCompleted, RequestFailed } from './llm-request.events';

export interface RecordCompletion {
  readonly type: 'RecordCompletion';
  readonly completed: RequestCompleted['data'];
}

export interface RecordFailure {
  readonly type: 'RecordFailure';
  readonly failed: RequestFailed['data'];
}

export type LlmRequestCommand = RecordCompletion | RecordFailure;
