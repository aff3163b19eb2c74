import type { Decider } from '../shared/decider';
import type { ProviderHealthChanged, ProviderHealthEvent, ProviderStatus } from './provider-health.events';

/**
 * Report the latest assessment. Only a change becomes an event: of the status, or of the deadline of a
 * breaker that opened again, which the other replicas need to keep away until the new deadline.
 */
export interface ReportProviderHealth {
  readonly type: 'ReportProviderHealth';
  readonly assessment: Omit<ProviderHealthChanged['data'], 'previousStatus'>;
}

export interface ProviderHealthState {
  readonly status: ProviderStatus;
  readonly coolingDownUntil: string | null;
}

export const providerHealthDecider: Decider<ReportProviderHealth, ProviderHealthEvent, ProviderHealthState> =
  {
    // A provider nobody has seen fail is presumed up, as the router presumes.
    initialState: { status: 'up', coolingDownUntil: null },
    decide(command, state) {
      const { status, coolingDownUntil } = command.assessment;
      if (status === state.status && coolingDownUntil === state.coolingDownUntil) return [];
      return [
        { type: 'ProviderHealthChanged', data: { ...command.assessment, previousStatus: state.status } },
      ];
    },
    evolve(_state, event) {
      return { status: event.data.status, coolingDownUntil: event.data.coolingDownUntil };
    },
  };
