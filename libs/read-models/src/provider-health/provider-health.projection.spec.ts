import type { RecordedEvent } from '@ops/infra/event-store/event-store';
import { providerHealthReportOf } from './provider-health.projection';

const recorded = (schemaVersion: number, data: Record<string, unknown>, type = 'ProviderHealthChanged') =>
  ({
    id: 'e1',
    type,
    schemaVersion,
    streamName: 'provider-health-groq',
    revision: 0n,
    position: `${'1'.padStart(20, '0')}:${'1'.padStart(20, '0')}`,
    recordedAt: new Date('2026-12-07T12:00:00.050Z'),
    data,
    metadata: {
      actor: 'gateway',
      correlationId: 'groq',
      causationId: null,
      occurredAt: '2026-12-07T12:00:00.000Z',
      source: 'api',
    },
  }) satisfies RecordedEvent;

const DOWN = {
  provider: 'groq',
  status: 'down',
  previousStatus: 'up',
  errorRate: 1,
  latencyP50Ms: null,
  latencyP95Ms: null,
  samples: 3,
  coolingDownUntil: '2026-12-07T12:00:30.000Z',
  source: 'traffic',
};

describe('provider health reports', () => {
  it('keeps the reported status, breaker deadline and replica, at the time it was reported', () => {
    const { previousStatus: _previous, ...reported } = DOWN;
    expect(providerHealthReportOf(recorded(2, { ...DOWN, reportedBy: 'api-1/42/ab12cd34' }))).toEqual({
      ...reported,
      reportedBy: 'api-1/42/ab12cd34',
      reportedAt: '2026-12-07T12:00:00.000Z',
    });
  });

  it('reads a report recorded before replicas named themselves as by nobody known', () => {
    expect(providerHealthReportOf(recorded(1, DOWN))?.reportedBy).toBeNull();
  });

  it('makes no report of another event', () => {
    expect(providerHealthReportOf(recorded(1, {}, 'CatalogModelsChanged'))).toBeNull();
  });
});
