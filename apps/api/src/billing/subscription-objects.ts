import {
  isValidUserId,
  TIERS,
  type EndSubscription,
  type RecordInvoicePaid,
  type RecordInvoicePaymentFailed,
  type SubscriptionPlans,
  type SyncSubscription,
  type Tier,
} from '@ops/domain';
import type Stripe from 'stripe';
import { expandableId } from './paid-session';

/** The reading of a Stripe object, or what disagrees with our configuration. */
export type Reading<T> = T | { problem: string };

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/**
 * The paid tier a monthly USD amount buys. The amount is ours (Checkout charged our configured
 * price), so a price Stripe reports that none of our tiers has is refused, not guessed.
 */
export function tierPriced(plans: SubscriptionPlans, cents: number | null | undefined): Tier | undefined {
  return TIERS.find((tier) => tier !== 'free' && plans[tier].priceCents === cents);
}

function userOf(metadata: Stripe.Metadata | null | undefined): Reading<string> {
  const userId = metadata?.user_id;
  return userId && isValidUserId(userId) ? userId : { problem: 'metadata.user_id is missing or malformed' };
}

const STATUSES: Record<string, SyncSubscription['status']> = {
  active: 'active',
  trialing: 'active',
  past_due: 'past_due',
  // Stripe keeps an unpaid subscription after its retries; the grace of the failed payment decides.
  unpaid: 'past_due',
  incomplete: 'pending',
  paused: 'pending',
  canceled: 'ended',
  incomplete_expired: 'ended',
};

/** `customer.subscription.created/updated`: the subscription's tier, status and period, checked. */
export function readSubscription(
  subscription: Stripe.Subscription,
  plans: SubscriptionPlans,
  eventCreated: number,
): Reading<SyncSubscription> {
  const userId = userOf(subscription.metadata);
  if (typeof userId !== 'string') return userId;
  const [item, ...others] = subscription.items?.data ?? [];
  if (!item || others.length > 0) return { problem: 'a subscription must have exactly one item' };
  const { price } = item;
  if (price.currency !== 'usd') return { problem: `currency is ${price.currency}, not usd` };
  if (price.recurring?.interval !== 'month' || price.recurring.interval_count !== 1)
    return { problem: 'the price does not recur monthly' };
  const tier = tierPriced(plans, price.unit_amount);
  if (!tier) return { problem: `no tier costs ${price.unit_amount} cents a month` };
  const status = STATUSES[subscription.status];
  if (!status) return { problem: `status ${subscription.status} is not known` };
  return {
    type: 'SyncSubscription',
    userId,
    subscriptionId: subscription.id,
    customerId: expandableId(subscription.customer) ?? '',
    status,
    tier,
    periodEnd: iso(item.current_period_end),
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
    observedAt: iso(eventCreated),
  };
}

/** `customer.subscription.deleted`. */
export function readDeletion(
  subscription: Stripe.Subscription,
  eventCreated: number,
): Reading<EndSubscription> {
  const userId = userOf(subscription.metadata);
  if (typeof userId !== 'string') return userId;
  return {
    type: 'EndSubscription',
    userId,
    subscriptionId: subscription.id,
    endedAt: iso(subscription.ended_at ?? eventCreated),
  };
}

/** The subscription an invoice bills, and whose it is; null for an invoice of no subscription. */
function billedSubscription(
  invoice: Stripe.Invoice,
): Reading<{ userId: string; subscriptionId: string } | null> {
  const details = invoice.parent?.subscription_details;
  const subscriptionId = expandableId(details?.subscription);
  if (!details || !subscriptionId) return null;
  const userId = userOf(details.metadata);
  if (typeof userId !== 'string') return userId;
  return { userId, subscriptionId };
}

/** Invoices that open a period of the tier; the others (prorations, one-offs) include no credits. */
const PERIOD_REASONS = new Set(['subscription_create', 'subscription_cycle']);

/** `invoice.paid`: a period's payment, with the credits it includes; null when it bills no subscription. */
export function readPaidInvoice(
  invoice: Stripe.Invoice,
  plans: SubscriptionPlans,
  eventCreated: number,
): Reading<RecordInvoicePaid | null> {
  const billed = billedSubscription(invoice);
  if (billed === null || 'problem' in billed) return billed;
  if (!invoice.id) return { problem: 'the invoice has no id' };
  if (invoice.currency !== 'usd') return { problem: `currency is ${invoice.currency}, not usd` };
  let tier: Tier | null = null;
  if (PERIOD_REASONS.has(invoice.billing_reason ?? '')) {
    // Before discounts and taxes: a coupon lowers what is paid, not which tier was bought.
    tier = tierPriced(plans, invoice.subtotal) ?? null;
    if (!tier) return { problem: `no tier costs ${invoice.subtotal} cents a month` };
  }
  const period = invoice.lines?.data[0]?.period ?? { start: invoice.period_start, end: invoice.period_end };
  return {
    type: 'RecordInvoicePaid',
    ...billed,
    customerId: expandableId(invoice.customer) ?? '',
    invoiceId: invoice.id,
    tier,
    amountPaidCents: invoice.amount_paid,
    periodStart: iso(period.start),
    periodEnd: iso(period.end),
    includedCreditsMicros: tier ? plans[tier].includedCreditsMicros : 0n,
    paidAt: iso(invoice.status_transitions?.paid_at ?? eventCreated),
  };
}

/** `invoice.payment_failed`: starts the grace of the subscription it bills. */
export function readFailedInvoice(
  invoice: Stripe.Invoice,
  graceDays: number,
  eventCreated: number,
): Reading<RecordInvoicePaymentFailed | null> {
  const billed = billedSubscription(invoice);
  if (billed === null || 'problem' in billed) return billed;
  if (!invoice.id) return { problem: 'the invoice has no id' };
  return {
    type: 'RecordInvoicePaymentFailed',
    ...billed,
    invoiceId: invoice.id,
    failedAt: iso(eventCreated),
    graceDays,
  };
}
