import { requestWorstCase } from '@ops/domain';
import type { ChainLink, PlannedRequest, RoutedBody } from './gateway-request';

/**
 * Explains the routing decision to the client, with the power level's ceiling beside the worst case of
 * the model that answered (a model the client named may exceed it: it is reported, not refused). A
 * deprecated model still answers, and says so with
 * its lifecycle and replacement, so a client sees the move coming before the model is retired.
 */
export function routeHeaders(
  planned: PlannedRequest<RoutedBody>,
  link: ChainLink,
  attempts: number,
): Record<string, string> {
  const headers: Record<string, string> = {
    'x-ops-request-id': planned.requestId,
    'x-ops-provider': link.model.provider,
    'x-ops-model': link.model.id,
    'x-ops-route-reason': link.reason,
    'x-ops-attempts': String(attempts),
    'x-ops-power-level': planned.powerLevel,
    'x-ops-budget-micros': planned.ceilingMicros.toString(),
    'x-ops-worst-case-micros': requestWorstCase(planned, link.model, link.byok).toString(),
    'x-ops-task': planned.task,
    'x-ops-byok': String(link.byok),
    'x-ops-catalog-version': String(planned.catalogVersion),
  };
  if (link.model.lifecycle === 'deprecated') {
    headers['x-ops-model-lifecycle'] = 'deprecated';
    if (link.model.replacement !== null) headers['x-ops-model-replacement'] = link.model.replacement;
  }
  return headers;
}
