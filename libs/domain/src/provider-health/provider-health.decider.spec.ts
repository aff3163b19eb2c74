import { given } from '../shared/testing';
import type { ReportProviderHealth } from './provider-health.decider';
import { providerHealthDecider } from './provider-health.decider';
import type { ProviderHealthChanged, ProviderStatus } from './provider-health.events';

const report = (status: ProviderStatus, coolingDownUntil: string | null = null): ReportProviderHealth => ({
  type: 'ReportProviderHealth',
  assessment: {
    provider: 'groq',
    status,
    errorRate: status === 'up' ? 0 : 1,
    latencyP50Ms: null,
    latencyP95Ms: null,
    samples: 3,
    coolingDownUntil,
    source: 'traffic',
    reportedBy: 'api-a',
  },
});

const changed = (command: ReportProviderHealth, previousStatus: ProviderStatus): ProviderHealthChanged => ({
  type: 'ProviderHealthChanged',
  data: { ...command.assessment, previousStatus },
});

const FIRST_DEADLINE = '2026-12-07T12:00:30.000Z';
const SECOND_DEADLINE = '2026-12-07T12:01:31.000Z';

describe('provider health decider', () => {
  it('records a change of status, and who reported it', () => {
    given(providerHealthDecider)
      .when(report('down', FIRST_DEADLINE))
      .then([changed(report('down', FIRST_DEADLINE), 'up')]);
  });

  it('records nothing when the status and the deadline stand', () => {
    given(providerHealthDecider).when(report('up')).then([]);
    given(providerHealthDecider, changed(report('down', FIRST_DEADLINE), 'up'))
      .when(report('down', FIRST_DEADLINE))
      .then([]);
  });

  it('records a breaker that opened again with a later deadline, so other replicas keep away until then', () => {
    given(providerHealthDecider, changed(report('down', FIRST_DEADLINE), 'up'))
      .when(report('down', SECOND_DEADLINE))
      .then([changed(report('down', SECOND_DEADLINE), 'down')]);
  });
});
