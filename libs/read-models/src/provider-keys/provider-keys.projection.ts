import { Injectable } from '@nestjs/common';
import {
  PROVIDER_KEY_EVENT_TYPES,
  PROVIDER_KEYS_CATEGORY,
  type ProviderKeyAdded,
  type ProviderKeyEvent,
} from '@ops/domain/byok';
import { PRIVACY_CATEGORY, PRIVACY_EVENT_TYPES, type PrivacyEvent } from '@ops/domain/privacy';
import type { RecordedEvent } from '@ops/infra/event-store/event-store';
import { domainEvents } from '@ops/infra/projections/domain-events';
import type { Projection } from '@ops/infra/projections/projection';
import { PROVIDER_KEYS_PROJECTION } from '@ops/infra/read-models';
import type { EntityManager } from 'typeorm';

/**
 * Users' own provider keys, masked: the key and label stay sealed (the gateway opens the key per
 * request), only the last four characters are plain. An erasure marks the user's keys erased and
 * drops their ciphertext, which no longer opens anyway.
 */
@Injectable()
export class ProviderKeysProjection implements Projection {
  readonly name = PROVIDER_KEYS_PROJECTION;
  readonly tables = [{ name: 'provider_keys' }];
  readonly filter = {
    streamPrefixes: [PROVIDER_KEYS_CATEGORY, PRIVACY_CATEGORY],
    eventTypes: [...PROVIDER_KEY_EVENT_TYPES, ...PRIVACY_EVENT_TYPES],
  };

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const event of domainEvents<ProviderKeyEvent | PrivacyEvent>(events, this.filter.eventTypes)) {
      switch (event.type) {
        case 'ProviderKeyAdded':
          await this.added(event.data, event.metadata.occurredAt, tx);
          break;
        case 'ProviderKeyRemoved':
          await tx.query('DELETE FROM provider_keys WHERE user_id = $1 AND provider = $2', [
            event.data.userId,
            event.data.provider,
          ]);
          break;
        case 'PersonalDataErased':
          await tx.query(
            `UPDATE provider_keys SET status = 'erased', sealed_key = NULL, sealed_label = NULL WHERE user_id = $1`,
            [event.data.subject],
          );
          break;
      }
    }
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('TRUNCATE provider_keys');
  }

  private async added(data: ProviderKeyAdded['data'], occurredAt: string, tx: EntityManager): Promise<void> {
    await tx.query(
      `INSERT INTO provider_keys (user_id, provider, sealed_key, sealed_label, last4, added_at, validated_at, status)
       VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6, $7, $8)
       ON CONFLICT (user_id, provider) DO UPDATE
         SET sealed_key = EXCLUDED.sealed_key, sealed_label = EXCLUDED.sealed_label, last4 = EXCLUDED.last4,
             added_at = EXCLUDED.added_at, validated_at = EXCLUDED.validated_at, status = EXCLUDED.status`,
      [
        data.userId,
        data.provider,
        JSON.stringify(data.sealedKey),
        data.sealedLabel === null ? null : JSON.stringify(data.sealedLabel),
        data.last4,
        occurredAt,
        data.validatedAt,
        data.validatedAt === null ? 'unverified' : 'valid',
      ],
    );
  }
}
