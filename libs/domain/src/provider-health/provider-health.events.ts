import type { DomainEvent } from '../shared/decider';

export type ProviderStatus = 'up' | 'degraded' | 'down';

/** A provider's health moved from one status to another, seen from real traffic or a probe. */
export type ProviderHealthChanged = DomainEvent<
  'ProviderHealthChanged',
  {
    provider: string;
    status: ProviderStatus;
    previousStatus: ProviderStatus;
    errorRate: number;
    latencyP50Ms: number | null;
    latencyP95Ms: number | null;
    samples: number;
    coolingDownUntil: string | null;
    source: 'traffic' | 'probe';
    /**
     * The API replica that saw it, so operators can tell whose traffic or probe took a provider down.
     * Absent from events of schema 1, recorded before replicas shared their health.
     */
    reportedBy?: string;
  }
>;

export type ProviderHealthEvent = ProviderHealthChanged;

export const PROVIDER_HEALTH_SCHEMA_VERSIONS: Record<ProviderHealthEvent['type'], number> = {
  ProviderHealthChanged: 2,
};

export const PROVIDER_HEALTH_CATEGORY = 'provider-health-';

export function providerHealthStream(provider: string): string {
  return `${PROVIDER_HEALTH_CATEGORY}${provider}`;
}
