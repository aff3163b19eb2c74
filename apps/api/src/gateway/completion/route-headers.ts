import type { ChainLink, PlannedRequest, RoutedBody } from './gateway-request';

/**
 * Explains the routing decision to the client. A deprecated model still answers, and says so with
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
