import type { Decider } from '../shared/decider';
import type { ProviderHealthChanged, ProviderHealthEvent, ProviderStatus } from './provider-health.events';

/** Report the latest assessment; only a change of status becomes an event. */
export interface ReportProviderHealth {
  readonly type: 'ReportProviderHealth';
  readonly assessment: Omit<ProviderHealthChanged['data'], 'previousStatus'>;
}

export interface ProviderHealthState {
  readonly status: ProviderStatus;
}

export const providerHealthDecider: Decider<ReportProviderHealth, ProviderHealthEvent, ProviderHealthState> =
  {
    // A provider nobody has seen fail is presumed up, as the router presumes.
    initialState: { status: 'up' },
    decide(command, state) {
      if (command.assessment.status === state.status) return [];
      return [
        { type: 'ProviderHealthChanged', data: { ...command.assessment, previousStatus: state.status } },
      ];
    },
    evolve(_state, event) {
      return { status: event.data.status };
    },
  };
