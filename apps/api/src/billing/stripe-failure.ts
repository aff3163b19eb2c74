import { BadGatewayException, UnprocessableEntityException, type Logger } from '@nestjs/common';
import Stripe from 'stripe';

/**
 * What to answer when Stripe refused a call: 422 when the Idempotency-Key was first used with other
 * parameters (Stripe keeps a fingerprint of each keyed request), 502 otherwise.
 */
export function stripeFailure(error: unknown, logger: Logger, doing: string): Error {
  if (error instanceof Stripe.errors.StripeIdempotencyError) {
    return new UnprocessableEntityException(
      'The Idempotency-Key was first used with another request body; use a new key for a new request',
    );
  }
  if (!(error instanceof Stripe.errors.StripeError)) return error as Error;
  logger.error(`Stripe refused to ${doing}: ${error.type} ${error.code ?? ''}`);
  return new BadGatewayException(`Stripe could not ${doing} (${error.type})`);
}
