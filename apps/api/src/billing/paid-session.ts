import { isValidUserId } from '@ops/domain';
import type Stripe from 'stripe';
import type { CreditPackage } from './credit-packages';

export interface PaidPurchase {
  userId: string;
  creditPackage: CreditPackage;
  sessionId: string;
  paymentIntentId: string;
}

/**
 * Checks a paid Checkout Session against our own package list: the session says which package and
 * which user (metadata we set), but the credits come from our configuration, and what Stripe
 * charged must be exactly that package's price. Returns the problem when anything disagrees.
 */
export function checkPaidSession(
  session: Stripe.Checkout.Session,
  packages: ReadonlyMap<string, CreditPackage>,
): PaidPurchase | { problem: string } {
  const userId = session.metadata?.user_id;
  const packageId = session.metadata?.package;
  if (!userId || !isValidUserId(userId)) return { problem: 'metadata.user_id is missing or malformed' };
  if (session.client_reference_id !== userId)
    return { problem: 'client_reference_id does not match metadata.user_id' };
  const creditPackage = packageId ? packages.get(packageId) : undefined;
  if (!creditPackage) return { problem: `package ${JSON.stringify(packageId)} is not configured` };
  if (session.mode !== 'payment') return { problem: `mode is ${session.mode}, not payment` };
  if (session.currency !== 'usd') return { problem: `currency is ${session.currency}, not usd` };
  if (session.amount_total !== creditPackage.priceCents) {
    return {
      problem: `amount_total ${session.amount_total} differs from the price of ${creditPackage.id} (${creditPackage.priceCents} cents)`,
    };
  }
  const paymentIntentId = expandableId(session.payment_intent);
  if (!paymentIntentId) return { problem: 'the paid session names no payment_intent' };
  return { userId, creditPackage, sessionId: session.id, paymentIntentId };
}

/** The id of a Stripe field that holds either an id or, when expanded, the object itself. */
export function expandableId(field: string | { id: string } | null | undefined): string | undefined {
  return typeof field === 'string' ? field : field?.id;
}
