import { Injectable } from '@nestjs/common';
import {
  PROVIDER_HEALTH_CATEGORY,
  PROVIDER_HEALTH_SCHEMA_VERSIONS,
  type ProviderHealthChanged,
  type ProviderStatus,
} from '@ops/domain';
import { START, type GlobalPosition, type RecordedEvent } from '@ops/infra/event-store/event-store';
import { isDomainEvent } from '@ops/infra/projections/domain-events';
import type { Projection } from '@ops/infra/projections/projection';
import { PROVIDER_HEALTH_PROJECTION } from '@ops/infra/read-models';
import type { EntityManager } from 'typeorm';

/** One provider's latest report, as the table keeps it and the API replicas route on it. */
export interface ProviderHealthReport {
  readonly provider: string;
  readonly status: ProviderStatus;
  readonly errorRate: number;
  readonly latencyP50Ms: number | null;
  readonly latencyP95Ms: number | null;
  readonly samples: number;
  readonly coolingDownUntil: string | null;
  readonly source: 'traffic' | 'probe';
  readonly reportedBy: string | null;
  readonly reportedAt: string;
}

export const PROVIDER_HEALTH_FILTER = {
  streamPrefixes: [PROVIDER_HEALTH_CATEGORY],
  eventTypes: Object.keys(PROVIDER_HEALTH_SCHEMA_VERSIONS),
};

/** The report an event of the provider-health streams makes; null for any other event. */
export function providerHealthReportOf(event: RecordedEvent): ProviderHealthReport | null {
  if (!isDomainEvent<ProviderHealthChanged>(event, ['ProviderHealthChanged'])) return null;
  const { data } = event;
  return {
    provider: data.provider,
    status: data.status,
    errorRate: data.errorRate,
    latencyP50Ms: data.latencyP50Ms,
    latencyP95Ms: data.latencyP95Ms,
    samples: data.samples,
    coolingDownUntil: data.coolingDownUntil,
    source: data.source,
    reportedBy: data.reportedBy ?? null,
    reportedAt: event.metadata.occurredAt,
  };
}

/**
 * Every provider's latest report and the log position they reflect, read in one statement (one
 * snapshot, and the projection commits rows and checkpoint together), so a follower of the log can
 * start right after it without missing or repeating a report.
 */
export async function loadProviderHealth(
  db: Pick<EntityManager, 'query'>,
): Promise<{ reports: ProviderHealthReport[]; position: GlobalPosition }> {
  const [row]: { position: GlobalPosition | null; reports: ProviderHealthReport[] }[] = await db.query(
    `SELECT (SELECT position FROM projection_checkpoints WHERE name = $1) AS position,
            (SELECT coalesce(json_agg(json_build_object(
               'provider', provider, 'status', status, 'errorRate', error_rate,
               'latencyP50Ms', latency_p50_ms, 'latencyP95Ms', latency_p95_ms, 'samples', samples,
               'coolingDownUntil', cooling_down_until, 'source', source, 'reportedBy', reported_by,
               'reportedAt', reported_at)), '[]'::json)
               FROM provider_health) AS reports`,
    [PROVIDER_HEALTH_PROJECTION],
  );
  return { reports: row.reports, position: row.position ?? START };
}

/** Each provider's latest reported health, so that every API replica routes on what any of them saw. */
@Injectable()
export class ProviderHealthProjection implements Projection {
  readonly name = PROVIDER_HEALTH_PROJECTION;
  readonly filter = PROVIDER_HEALTH_FILTER;
  readonly tables = [{ name: 'provider_health' }];

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const event of events) {
      const report = providerHealthReportOf(event);
      if (report === null) continue;
      await tx.query(
        `INSERT INTO provider_health (provider, status, error_rate, latency_p50_ms, latency_p95_ms, samples,
                                      cooling_down_until, source, reported_by, reported_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (provider) DO UPDATE
           SET status = EXCLUDED.status, error_rate = EXCLUDED.error_rate,
               latency_p50_ms = EXCLUDED.latency_p50_ms, latency_p95_ms = EXCLUDED.latency_p95_ms,
               samples = EXCLUDED.samples, cooling_down_until = EXCLUDED.cooling_down_until,
               source = EXCLUDED.source, reported_by = EXCLUDED.reported_by, reported_at = EXCLUDED.reported_at`,
        [
          report.provider,
          report.status,
          report.errorRate,
          report.latencyP50Ms,
          report.latencyP95Ms,
          report.samples,
          report.coolingDownUntil,
          report.source,
          report.reportedBy,
          report.reportedAt,
        ],
      );
    }
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('TRUNCATE provider_health');
  }
}
