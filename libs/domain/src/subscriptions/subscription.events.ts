import type { DomainEvent } from '../shared/decider';

/**
 * A paid subscription began: the account takes its tier. `observedAt` is the provider's time of the
 * subscription state it came from (null when its first paid invoice told it), as in the events below:
 * an older state delivered late is recognised by it.
 */
export type SubscriptionActivated = DomainEvent<
  'SubscriptionActivated',
  {
    userId: string;
    subscriptionId: string;
    customerId: string;
    tier: string;
    periodEnd: string;
    observedAt: string | null;
  }
>;

/** The tier in force changed; `at` is the payment provider's time of the change. */
export type SubscriptionTierChanged = DomainEvent<
  'SubscriptionTierChanged',
  {
    userId: string;
    subscriptionId: string;
    fromTier: string;
    toTier: string;
    reason: 'upgrade' | 'scheduled_downgrade' | 'grace_expired' | 'payment_recovered' | 'ended';
    at: string;
  }
>;

/** A downgrade or cancellation, kept until the paid period ends (`effectiveAt`). */
export type SubscriptionChangeScheduled = DomainEvent<
  'SubscriptionChangeScheduled',
  {
    userId: string;
    subscriptionId: string;
    toTier: string;
    effectiveAt: string;
    reason: 'downgrade' | 'cancellation';
    observedAt: string;
  }
>;

/** The customer took the scheduled downgrade or cancellation back before it took effect. */
export type SubscriptionScheduleCleared = DomainEvent<
  'SubscriptionScheduleCleared',
  { userId: string; subscriptionId: string; observedAt: string }
>;

/**
 * One paid invoice, once, whatever the provider's retries. `includedCreditsMicros` is what it grants
 * (a period's included credits; zero for an invoice that opens no period, such as a proration).
 */
export type SubscriptionInvoicePaid = DomainEvent<
  'SubscriptionInvoicePaid',
  {
    userId: string;
    subscriptionId: string;
    invoiceId: string;
    tier: string;
    amountPaidCents: number;
    periodStart: string;
    periodEnd: string;
    includedCreditsMicros: string;
  }
>;

/** A renewal payment failed: the tier stays until `graceUntil` while the provider retries. */
export type SubscriptionPaymentFailed = DomainEvent<
  'SubscriptionPaymentFailed',
  { userId: string; subscriptionId: string; invoiceId: string; graceUntil: string }
>;

export type SubscriptionEnded = DomainEvent<
  'SubscriptionEnded',
  { userId: string; subscriptionId: string; endedAt: string }
>;

export type SubscriptionEvent =
  | SubscriptionActivated
  | SubscriptionTierChanged
  | SubscriptionChangeScheduled
  | SubscriptionScheduleCleared
  | SubscriptionInvoicePaid
  | SubscriptionPaymentFailed
  | SubscriptionEnded;

export const SUBSCRIPTION_SCHEMA_VERSIONS: Record<SubscriptionEvent['type'], number> = {
  SubscriptionActivated: 1,
  SubscriptionTierChanged: 1,
  SubscriptionChangeScheduled: 1,
  SubscriptionScheduleCleared: 1,
  SubscriptionInvoicePaid: 1,
  SubscriptionPaymentFailed: 1,
  SubscriptionEnded: 1,
};

export const SUBSCRIPTION_EVENT_TYPES = Object.keys(
  SUBSCRIPTION_SCHEMA_VERSIONS,
) as readonly SubscriptionEvent['type'][];

/** One stream per user: their subscription's whole history, across subscriptions. */
export const SUBSCRIPTION_CATEGORY = 'subscription-';

export function subscriptionStream(userId: string): string {
  return `${SUBSCRIPTION_CATEGORY}${userId}`;
}
