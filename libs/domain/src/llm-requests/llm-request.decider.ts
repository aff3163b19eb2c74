import type { Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import type { LlmRequestCommand } from './llm-request.commands';
import type { LlmRequestEvent } from './llm-request.events';

export type LlmRequestState =
  | { readonly status: 'new' }
  | { readonly status: 'routed'; readonly userId: string }
  | { readonly status: 'completed' | 'failed'; readonly userId: string };

/**
 * A request's life ends once: completed or failed, in one event that also carries how it was routed.
 * (Streams of earlier versions start with a RequestRouted; they end the same way.)
 */
export const llmRequestDecider: Decider<LlmRequestCommand, LlmRequestEvent, LlmRequestState> = {
  initialState: { status: 'new' },
  decide(command, state) {
    switch (command.type) {
      case 'RecordCompletion':
        if (state.status === 'completed' || state.status === 'failed') {
          throw new DomainError('conflict', `a ${state.status} request cannot complete`);
        }
        return [{ type: 'RequestCompleted', data: command.completed }];
      case 'RecordFailure':
        if (state.status === 'completed' || state.status === 'failed') {
          throw new DomainError('conflict', `a ${state.status} request cannot fail`);
        }
        return [{ type: 'RequestFailed', data: command.failed }];
    }
  },
  evolve(_state, event) {
    switch (event.type) {
      case 'RequestRouted':
        return { status: 'routed', userId: event.data.userId };
      case 'RequestCompleted':
        return { status: 'completed', userId: event.data.userId };
      case 'RequestFailed':
        return { status: 'failed', userId: event.data.userId };
    }
  },
};
