import { DomainError, type DomainErrorCode } from '../shared/domain-error';

/** Why no route exists, as a machine code for OpenAI-style error bodies and response headers. */
export type RoutingFailure =
  | 'model_not_found'
  | 'model_not_in_tier'
  | 'no_local_provider'
  | 'no_provider_configured'
  | 'provider_not_configured'
  | 'provider_unavailable'
  | 'context_length_exceeded'
  | 'image_not_supported'
  | 'no_allowed_provider'
  | 'budget_exceeded'
  | 'model_retired'
  | 'wrong_model_kind'
  | 'model_required';

/*
 * The "no provider" failures are about the platform's current state, not the request, so they are
 * `conflict` here; the gateway answers them 503 by their routing code.
 */
const CATEGORY: Record<RoutingFailure, DomainErrorCode> = {
  model_not_found: 'not_found',
  model_not_in_tier: 'forbidden',
  no_local_provider: 'conflict',
  no_provider_configured: 'conflict',
  provider_not_configured: 'conflict',
  provider_unavailable: 'conflict',
  context_length_exceeded: 'invalid',
  image_not_supported: 'invalid',
  no_allowed_provider: 'invalid',
  budget_exceeded: 'invalid',
  model_retired: 'not_found',
  wrong_model_kind: 'invalid',
  model_required: 'invalid',
};

export class RoutingError extends DomainError {
  constructor(
    readonly routingCode: RoutingFailure,
    message: string,
    field?: string,
  ) {
    super(CATEGORY[routingCode], message, field);
    this.name = 'RoutingError';
  }
}
