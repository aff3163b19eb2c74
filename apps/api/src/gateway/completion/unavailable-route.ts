import { HttpStatus } from '@nestjs/common';
import { RoutingError, type RoutingFailure } from '@ops/domain';
import { GatewayRefusalMetrics, OpenAiCompatibleError } from '@ops/infra/http';

const PLATFORM_STATE: ReadonlySet<RoutingFailure> = new Set([
  'no_local_provider',
  'no_provider_configured',
  'provider_not_configured',
  'provider_unavailable',
]);

/**
 * No provider can take the request now (none configured, none for this model, all cooling down; none
 * local under privacy mode): that is the platform's state, not a fault of the request, so it is a 503
 * the client may retry once an operator has acted or a breaker has closed.
 */
export function asUnavailable(error: unknown): unknown {
  if (!(error instanceof RoutingError) || !PLATFORM_STATE.has(error.routingCode)) return error;
  return new OpenAiCompatibleError(
    HttpStatus.SERVICE_UNAVAILABLE,
    error.message,
    'api_error',
    error.routingCode,
    error.field ?? null,
  );
}

/**
 * Plans a request, or refuses it: a refusal is counted, not recorded (nothing happened to any
 * account, and a flood of refusals must not grow the log), and answered as the client should see it.
 */
export async function planOrRefuse<T>(refusals: GatewayRefusalMetrics, plan: () => Promise<T>): Promise<T> {
  try {
    return await plan();
  } catch (thrown) {
    const error = asUnavailable(thrown);
    refusals.refused(error);
    throw error;
  }
}
