import type { CommandContext } from '@ops/infra/event-sourcing/command-context';

/** Who acted for a Stripe webhook: Stripe, correlated by its event id. */
export function stripeContext(eventId: string): CommandContext {
  return { actor: 'stripe', correlationId: eventId, causationId: null, source: 'stripe-webhook' };
}
