import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReadModelFreshness } from '../projections/read-model-freshness';
import { API_KEYS_PROJECTION } from '../read-models/projection-names';
import type { AuthenticatedUser } from './authenticated-user';
import { hashApiKey, isWellFormedApiKey } from './api-key-secret';

export interface ApiKeyOwner {
  user: AuthenticatedUser;
  deactivated: boolean;
}

/**
 * Turns a personal API key into its owner: one query on the unique hash index of `api_keys`, with no
 * cache, so a revocation takes effect as soon as the projection has applied it (milliseconds) on
 * every API replica at once, and an expiry at its instant (the database's clock, one for every
 * replica). A key always acts with the `user` role, whatever its owner's roles.
 *
 * A key not found may have been issued a moment ago, its event not projected yet (the issuing answer
 * gave up waiting, or came from another replica): before refusing, the lookup is repeated once the
 * projection has applied the log up to its head, bounded like every read-your-writes wait. Every miss
 * takes that same path whatever the key, so its timing tells nothing about which keys exist.
 */
@Injectable()
export class ApiKeyAuthenticator {
  constructor(
    // Absent in an app without the read-model database; such an app accepts no API key at all.
    @Optional() @Inject(DataSource) private readonly db?: DataSource,
    @Optional() private readonly freshness?: ReadModelFreshness,
  ) {}

  /** The key's owner, and whether they are deactivated: both in the one query on the gateway's path. */
  async authenticate(key: string): Promise<ApiKeyOwner | null> {
    if (!this.db || !isWellFormedApiKey(key)) return null;
    const secretHash = hashApiKey(key);
    const found = await this.lookup(this.db, secretHash);
    if (found || !this.freshness) return found;
    await this.freshness.waitForHead([API_KEYS_PROJECTION]);
    return this.lookup(this.db, secretHash);
  }

  private async lookup(db: DataSource, secretHash: string): Promise<ApiKeyOwner | null> {
    const rows: { key_id: string; user_id: string; deactivated: boolean }[] = await db.query(
      `SELECT key_id, user_id,
              EXISTS (SELECT 1 FROM deactivated_subjects d WHERE d.subject = api_keys.user_id) AS deactivated
       FROM api_keys
       WHERE secret_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [secretHash],
    );
    if (rows.length === 0) return null;
    const [{ key_id: apiKeyId, user_id: id, deactivated }] = rows;
    return { user: { id, roles: ['user'], apiKeyId }, deactivated };
  }
}
