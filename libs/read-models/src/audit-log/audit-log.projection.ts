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
    await tx.query(
      `INSERT INTO audit_log (event_id, global_position, stream_name, stream_revision, event_type, actor, action,
                              correlation_id, source, occurred_at, recorded_at, host_id, target_user, outcome,
                              detail)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[],
                            $8::text[], $9::text[], $10::timestamptz[], $11::timestamptz[], $12::text[], $13::text[],
                            $14::text[], $15::text[])`,
      [
        events.map((event) => event.id),
        events.map((event) => event.position),
        events.map((event) => event.streamName),
        events.map((event) => event.revision.toString()),
        events.map((event) => event.type),
        events.map((event) => event.metadata.actor),
        events.map((event) => actionOf(event.type)),
        events.map((event) => event.metadata.correlationId),
        events.map((event) => event.metadata.source),
        events.map((event) => event.metadata.occurredAt),
        events.map((event) => event.recordedAt.toISOString()),
        events.map((event) => textField(event, 'hostId')),
        events.map(targetUserOf),
        events.map((event) => OUTCOMES[event.type] ?? null),
        events.map(detailOf),
      ],
    );
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('TRUNCATE audit_log');
  }
}
