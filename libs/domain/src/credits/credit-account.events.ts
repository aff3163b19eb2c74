import type { DomainEvent } from '../shared/decider';

/** Amounts travel as decimal strings of micro-USD. */
export type CreditsGranted = DomainEvent<
  'CreditsGranted',
  { userId: string; amountMicros: string; reason: string }
>;

export type CreditAccountEvent = CreditsGranted;

export const CREDIT_ACCOUNT_EVENT_TYPES: readonly CreditAccountEvent['type'][] = ['CreditsGranted'];

/** Version of each event's data shape, recorded in the envelope so old events stay readable. */
export const CREDIT_ACCOUNT_SCHEMA_VERSIONS: Record<CreditAccountEvent['type'], number> = {
  CreditsGranted: 1,
};
