import type { Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import type { LlmRequestCommand } from './llm-request.commands';
import type { LlmRequestEvent } from './llm-request.events';

export type LlmRequestState =
  | { readonly status: 'new' }
  | { readonly status: 'routed'; readonly userId: string }
  | { readonly status: 'completed' | 'failed'; readonly userId: string };

/**
 * A request's life: routed once, then completed or failed once. A request that failed before it
 * could be routed (no provider, no credits) records only its failure.
 */
export const llmRequestDecider: Decider<LlmRequestCommand, LlmRequestEvent, LlmRequestState> = {
  initialState: { status: 'new' },
  decide(command, state) {
    switch (command.type) {
      case 'RecordRouting':
        if (state.status !== 'new') throw new DomainError('conflict', 'the request was already routed');
        return [{ type: 'RequestRouted', data: command.routed }];
      case 'RecordCompletion':
        if (state.status !== 'routed') {
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
