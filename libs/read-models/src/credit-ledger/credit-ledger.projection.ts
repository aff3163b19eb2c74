import { Injectable } from '@nestjs/common';
import {
  CREDIT_ACCOUNT_CATEGORY,
  type CreditsDebited,
  type CreditsGranted,
  type CreditsPurchased,
  type CreditsRevoked,
} from '@ops/domain';
import type { RecordedEvent } from '@ops/infra/event-store/event-store';
import { domainEvents, type DomainRecordedEvent } from '@ops/infra/projections/domain-events';
import type { Projection } from '@ops/infra/projections/projection';
import { CREDIT_LEDGER_PROJECTION } from '@ops/infra/read-models';
import type { EntityManager } from 'typeorm';

interface LedgerEntry {
  eventId: string;
  userId: string;
  revision: bigint;
  kind: string;
  amountMicros: bigint;
  reason: string;
  actor: string;
  occurredAt: string;
}

/** Holds and plan changes move no money, so they are not ledger entries. */
type LedgerEvent = CreditsGranted | CreditsPurchased | CreditsRevoked | CreditsDebited;

const LEDGER_EVENT_TYPES: readonly LedgerEvent['type'][] = [
  'CreditsGranted',
  'CreditsPurchased',
  'CreditsRevoked',
  'CreditsDebited',
];

/** What a credit event means for the ledger: a signed movement of the balance. */
function toLedgerEntry(event: DomainRecordedEvent<LedgerEvent>): LedgerEntry {
  const base = {
    eventId: event.id,
    userId: event.data.userId,
    revision: event.revision,
    actor: event.metadata.actor,
    occurredAt: event.metadata.occurredAt,
  };
  const amount = BigInt(event.data.amountMicros);
  switch (event.type) {
    case 'CreditsGranted':
      return { ...base, kind: 'grant', amountMicros: amount, reason: event.data.reason };
    case 'CreditsPurchased':
      return {
        ...base,
        kind: 'purchase',
        amountMicros: amount,
        reason: `package ${event.data.package}`,
      };
    case 'CreditsRevoked':
      return { ...base, kind: 'revoke', amountMicros: -amount, reason: event.data.reason };
    case 'CreditsDebited': {
      const overdraft = BigInt(event.data.overdraftMicros ?? '0');
      return {
        ...base,
        kind: 'usage',
        amountMicros: -amount,
        reason:
          overdraft > 0n
            ? `request ${event.data.requestId}, overdraft of ${overdraft} micro-USD beyond its hold`
            : `request ${event.data.requestId}`,
      };
    }
  }
}

/**
 * Balances and the ledger in one projection, so a balance and the transactions it sums always move
 * together. Writes a whole batch with a few set-based statements instead of a round trip per event.
 */
@Injectable()
export class CreditLedgerProjection implements Projection {
  readonly name = CREDIT_LEDGER_PROJECTION;
  readonly filter = { streamPrefixes: [CREDIT_ACCOUNT_CATEGORY], eventTypes: LEDGER_EVENT_TYPES };
  readonly tables = [{ name: 'credit_transactions' }, { name: 'credit_balances' }];

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const entries = domainEvents<LedgerEvent>(events, LEDGER_EVENT_TYPES).map(toLedgerEntry);
    if (entries.length === 0) return;
    const userIds = [...new Set(entries.map((entry) => entry.userId))];
    const current: { user_id: string; balance_micros: string }[] = await tx.query(
      'SELECT user_id, balance_micros FROM credit_balances WHERE user_id = ANY($1::text[]) FOR UPDATE',
      [userIds],
    );
    const balances = new Map(current.map((row) => [row.user_id, BigInt(row.balance_micros)]));
    const balanceAfter = entries.map((entry) => {
      const next = (balances.get(entry.userId) ?? 0n) + entry.amountMicros;
      balances.set(entry.userId, next);
      return next.toString();
    });

    // No ON CONFLICT: an event applied twice must fail loudly, never double a balance.
    await tx.query(
      `INSERT INTO credit_transactions
         (event_id, user_id, stream_revision, kind, amount_micros, balance_after_micros, reason, actor, occurred_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::bigint[],
                            $7::text[], $8::text[], $9::timestamptz[])`,
      [
        entries.map((entry) => entry.eventId),
        entries.map((entry) => entry.userId),
        entries.map((entry) => entry.revision.toString()),
        entries.map((entry) => entry.kind),
        entries.map((entry) => entry.amountMicros.toString()),
        balanceAfter,
        entries.map((entry) => entry.reason),
        entries.map((entry) => entry.actor),
        entries.map((entry) => entry.occurredAt),
      ],
    );

    const last = new Map(entries.map((entry) => [entry.userId, entry]));
    // Stamped with the event's time, not the clock, so that a rebuild reproduces the row exactly.
    await tx.query(
      `INSERT INTO credit_balances (user_id, balance_micros, last_revision, updated_at)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::timestamptz[])
       ON CONFLICT (user_id) DO UPDATE
         SET balance_micros = EXCLUDED.balance_micros, last_revision = EXCLUDED.last_revision,
             updated_at = EXCLUDED.updated_at`,
      [
        userIds,
        userIds.map((id) => String(balances.get(id))),
        userIds.map((id) => last.get(id)!.revision.toString()),
        userIds.map((id) => last.get(id)!.occurredAt),
      ],
    );
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('TRUNCATE credit_transactions, credit_balances');
  }
}
