import { Injectable } from '@nestjs/common';
import {
  CREDIT_ACCOUNT_CATEGORY,
  describeHostFailure,
  LLM_REQUEST_CATEGORY,
  type CreditAccountEvent,
  type HostChangeFailed,
} from '@ops/domain';
import { IDEMPOTENCY_KEY_CATEGORY } from '@ops/infra/event-sourcing/idempotency-key-claims';
import type { RecordedEvent } from '@ops/infra/event-store/event-store';
import { isDomainEvent } from '@ops/infra/projections/domain-events';
import type { Projection } from '@ops/infra/projections/projection';
import { AUDIT_LOG_PROJECTION } from '@ops/infra/read-models';
import type { EntityManager } from 'typeorm';
import { insertRows, type RowColumn } from '@ops/infra/database/insert-rows';

/** `CreditsGranted` → `credits.granted`: the verb an auditor reads, derived so new events need no table. */
export function actionOf(eventType: string): string {
  const words = eventType.split(/(?=[A-Z])/).map((word) => word.toLowerCase());
  if (words.length < 2) return words.join('');
  return `${words.slice(0, -1).join('_')}.${words[words.length - 1]}`;
}

const OUTCOMES: Record<string, string> = { HostChangeApplied: 'applied', HostChangeFailed: 'failed' };

/** Why a host change failed, on its row: the reason an auditor reads without opening the event. */
function detailOf(event: RecordedEvent): string | null {
  return isDomainEvent<HostChangeFailed>(event, ['HostChangeFailed'])
    ? describeHostFailure(event.data)
    : null;
}

function textField(event: RecordedEvent, field: string): string | null {
  const value = event.data[field];
  return typeof value === 'string' ? value : null;
}

/** Whose account an event is about: a local account's username, or the owner of a credit account. */
function targetUserOf(event: RecordedEvent): string | null {
  return event.streamName.startsWith(CREDIT_ACCOUNT_CATEGORY)
    ? textField(event, 'userId')
    : textField(event, 'username');
}

/** The credit events every gateway request appends: its hold, and the debit and release that settle it. */
const REQUEST_CREDIT_EVENTS: ReadonlySet<string> = new Set<CreditAccountEvent['type']>([
  'CreditsReserved',
  'CreditsDebited',
  'CreditsReleased',
]);

/**
 * Gateway traffic has no row: its events (a request's stream, and its hold and settlement on the credit
 * account) would be half of every request's storage, and each is already kept where an auditor or
 * finance reads it: whole and hash-chained in the event log (`/api/v1/audit/events`, `/audit/streams`),
 * the charges in the credit ledger (`credit_transactions`), the requests in `usage_log`.
 */
export function isAudited(event: Pick<RecordedEvent, 'streamName' | 'type'>): boolean {
  if (event.streamName.startsWith(LLM_REQUEST_CATEGORY)) return false;
  // Bookkeeping of the write side, not a change to anything: the command it came with has its own row.
  if (event.streamName.startsWith(IDEMPOTENCY_KEY_CATEGORY)) return false;
  return !(event.streamName.startsWith(CREDIT_ACCOUNT_CATEGORY) && REQUEST_CREDIT_EVENTS.has(event.type));
}

/** The audit log's row of an event, column by column. */
const AUDIT_LOG_COLUMNS: readonly RowColumn<RecordedEvent>[] = [
  { name: 'event_id', type: 'uuid', of: (event) => event.id },
  { name: 'global_position', type: 'text', of: (event) => event.position },
  { name: 'stream_name', type: 'text', of: (event) => event.streamName },
  { name: 'stream_revision', type: 'bigint', of: (event) => event.revision.toString() },
  { name: 'event_type', type: 'text', of: (event) => event.type },
  { name: 'actor', type: 'text', of: (event) => event.metadata.actor },
  { name: 'action', type: 'text', of: (event) => actionOf(event.type) },
  { name: 'correlation_id', type: 'text', of: (event) => event.metadata.correlationId },
  { name: 'source', type: 'text', of: (event) => event.metadata.source },
  { name: 'occurred_at', type: 'timestamptz', of: (event) => event.metadata.occurredAt },
  { name: 'recorded_at', type: 'timestamptz', of: (event) => event.recordedAt.toISOString() },
  { name: 'host_id', type: 'text', of: (event) => textField(event, 'hostId') },
  { name: 'target_user', type: 'text', of: targetUserOf },
  { name: 'outcome', type: 'text', of: (event) => OUTCOMES[event.type] ?? null },
  { name: 'detail', type: 'text', of: detailOf },
];

/**
 * One row per event of every stream except the gateway's per-request traffic (`isAudited`), so "who did
 * what, when" is one indexed query.
 */
@Injectable()
export class AuditLogProjection implements Projection {
  readonly name = AUDIT_LOG_PROJECTION;
  readonly filter = {};
  readonly tables = [{ name: 'audit_log' }];

  async apply(batch: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const events = batch.filter(isAudited);
    if (events.length === 0) return;
    await insertRows(tx, 'audit_log', AUDIT_LOG_COLUMNS, events);
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('TRUNCATE audit_log');
  }
}
