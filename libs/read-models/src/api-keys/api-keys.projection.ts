import { Injectable, Optional } from '@nestjs/common';
import {
  API_KEY_CATEGORY,
  API_KEY_EVENT_TYPES,
  SUBJECT_ACCESS_CATEGORY,
  SUBJECT_ACCESS_EVENT_TYPES,
  type ApiKeyEvent,
  type SubjectAccessEvent,
} from '@ops/domain/api-keys';
import { AccessChanges } from '@ops/infra/auth/access-changes';
import type { RecordedEvent } from '@ops/infra/event-store/event-store';
import { domainEvents } from '@ops/infra/projections/domain-events';
import type { Projection } from '@ops/infra/projections/projection';
import { API_KEYS_PROJECTION } from '@ops/infra/read-models';
import type { EntityManager } from 'typeorm';

/**
 * Who may authenticate: personal API keys by hash, for the authenticator, and by owner, for the key
 * list; and the people an admin deactivated, whom no token or key lets in. Whatever takes access
 * away or gives it back is announced (AccessChanges), since the authenticators keep their answers.
 */
@Injectable()
export class ApiKeysProjection implements Projection {
  constructor(@Optional() private readonly accessChanges?: AccessChanges) {}

  readonly name = API_KEYS_PROJECTION;
  readonly tables = [{ name: 'api_keys' }, { name: 'deactivated_subjects' }];
  readonly filter = {
    streamPrefixes: [API_KEY_CATEGORY, SUBJECT_ACCESS_CATEGORY],
    eventTypes: [...API_KEY_EVENT_TYPES, ...SUBJECT_ACCESS_EVENT_TYPES],
  };

  async apply(batch: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const events = domainEvents<ApiKeyEvent | SubjectAccessEvent>(batch, this.filter.eventTypes);
    const issued = events.filter((event) => event.type === 'ApiKeyIssued');
    const revoked = events.filter((event) => event.type === 'ApiKeyRevoked');
    // Inserts first: a key revoked in the same batch it was issued in must exist to be revoked.
    if (issued.length > 0) {
      // No ON CONFLICT: a key applied twice must fail loudly, never pass silently.
      await tx.query(
        `INSERT INTO api_keys (key_id, user_id, name, prefix, secret_hash, created_at, expires_at)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
                              $7::timestamptz[])`,
        [
          issued.map((event) => event.data.keyId),
          issued.map((event) => event.data.userId),
          issued.map((event) => event.data.name),
          issued.map((event) => event.data.prefix),
          issued.map((event) => event.data.secretHash),
          issued.map((event) => event.metadata.occurredAt),
          issued.map((event) => event.data.expiresAt ?? null),
        ],
      );
    }
    if (events.some((event) => event.type !== 'ApiKeyIssued')) await this.accessChanges?.announce(tx);
    // In log order: a subject deactivated and reactivated in one batch ends up active.
    for (const event of events) {
      if (event.type === 'SubjectDeactivated') {
        await tx.query(
          // No ON CONFLICT: the decider deactivates only the active, so a conflict is a double apply.
          `INSERT INTO deactivated_subjects (subject, deactivated_by, deactivated_at) VALUES ($1, $2, $3)`,
          [event.data.subject, event.data.deactivatedBy, event.metadata.occurredAt],
        );
      } else if (event.type === 'SubjectReactivated') {
        await tx.query('DELETE FROM deactivated_subjects WHERE subject = $1', [event.data.subject]);
      }
    }
    if (revoked.length > 0) {
      await tx.query(
        `UPDATE api_keys SET revoked_at = t.revoked_at
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS t(key_id, user_id, revoked_at)
         WHERE api_keys.key_id = t.key_id AND api_keys.user_id = t.user_id AND api_keys.revoked_at IS NULL`,
        [
          revoked.map((event) => event.data.keyId),
          revoked.map((event) => event.data.userId),
          revoked.map((event) => event.metadata.occurredAt),
        ],
      );
    }
  }

  async reset(tx: EntityManager): Promise<void> {
    await this.accessChanges?.announce(tx);
    await tx.query('TRUNCATE api_keys, deactivated_subjects');
  }
}
