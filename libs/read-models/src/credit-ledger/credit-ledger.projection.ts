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
import { insertRows, type RowColumn } from '@ops/infra/database/insert-rows';

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

/** A ledger row: the entry and the balance it leaves. */
const TRANSACTION_COLUMNS: readonly RowColumn<{ entry: LedgerEntry; balanceAfter: bigint }>[] = [
  { name: 'event_id', type: 'uuid', of: ({ entry }) => entry.eventId },
  { name: 'user_id', type: 'text', of: ({ entry }) => entry.userId },
  { name: 'stream_revision', type: 'bigint', of: ({ entry }) => entry.revision.toString() },
  { name: 'kind', type: 'text', of: ({ entry }) => entry.kind },
  { name: 'amount_micros', type: 'bigint', of: ({ entry }) => entry.amountMicros.toString() },
  { name: 'balance_after_micros', type: 'bigint', of: ({ balanceAfter }) => balanceAfter.toString() },
  { name: 'reason', type: 'text', of: ({ entry }) => entry.reason },
  { name: 'actor', type: 'text', of: ({ entry }) => entry.actor },
  { name: 'occurred_at', type: 'timestamptz', of: ({ entry }) => entry.occurredAt },
];

/** An account's balance after a batch, with its latest entry. */
const BALANCE_COLUMNS: readonly RowColumn<{ latest: LedgerEntry; balance: bigint }>[] = [
  { name: 'user_id', type: 'text', of: ({ latest }) => latest.userId },
  { name: 'balance_micros', type: 'bigint', of: ({ balance }) => balance.toString() },
  { name: 'last_revision', type: 'bigint', of: ({ latest }) => latest.revision.toString() },
  { name: 'updated_at', type: 'timestamptz', of: ({ latest }) => latest.occurredAt },
];

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
    const rows = entries.map((entry) => {
      const balanceAfter = (balances.get(entry.userId) ?? 0n) + entry.amountMicros;
      balances.set(entry.userId, balanceAfter);
      return { entry, balanceAfter };
    });

    // No ON CONFLICT: an event applied twice must fail loudly, never double a balance.
    await insertRows(tx, 'credit_transactions', TRANSACTION_COLUMNS, rows);

    const last = new Map(entries.map((entry) => [entry.userId, entry]));
    // Stamped with the event's time, not the clock, so that a rebuild reproduces the row exactly.
    await insertRows(
      tx,
      'credit_balances',
      BALANCE_COLUMNS,
      userIds.map((userId) => ({ latest: last.get(userId)!, balance: balances.get(userId)! })),
      `ON CONFLICT (user_id) DO UPDATE
         SET balance_micros = EXCLUDED.balance_micros, last_revision = EXCLUDED.last_revision,
             updated_at = EXCLUDED.updated_at`,
    );
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('TRUNCATE credit_transactions, credit_balances');
  }
}
