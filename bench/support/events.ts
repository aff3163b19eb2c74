import { CREDIT_ACCOUNT_SCHEMA_VERSIONS } from '@ops/domain';
import type { NewEvent } from '@ops/infra/event-store/event-store';
import { randomUUID } from 'node:crypto';

/** A realistic credit event (the most common kind in the log), as the API would append it. */
export function creditGrantedEvent(userId: string, amountMicros: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'CreditsGranted',
    schemaVersion: CREDIT_ACCOUNT_SCHEMA_VERSIONS.CreditsGranted,
    data: { userId, amountMicros: String(amountMicros), reason: 'benchmark' },
    metadata: {
      actor: 'bench',
      correlationId: randomUUID(),
      causationId: null,
      occurredAt: new Date().toISOString(),
      source: 'bench',
    },
  };
}
