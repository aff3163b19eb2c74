import { Injectable } from '@nestjs/common';
import { API_KEY_CATEGORY, API_KEY_EVENT_TYPES } from '@ops/domain/api-keys';
import type { RecordedEvent } from '@ops/infra/event-store/event-store';
import type { Projection } from '@ops/infra/projections/projection';
import type { EntityManager } from 'typeorm';

/** Personal API keys by hash, for the authenticator, and by owner, for the key list. */
@Injectable()
export class ApiKeysProjection implements Projection {
  readonly name = 'api-keys';
  readonly tables = [{ name: 'api_keys' }];
  readonly filter = { streamPrefixes: [API_KEY_CATEGORY], eventTypes: API_KEY_EVENT_TYPES };

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
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
    await tx.query('TRUNCATE api_keys');
  }
}
