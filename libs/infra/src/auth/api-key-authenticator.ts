import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
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
 */
@Injectable()
export class ApiKeyAuthenticator {
  constructor(
    // Absent in an app without the read-model database; such an app accepts no API key at all.
    @Optional() @Inject(DataSource) private readonly db?: DataSource,
  ) {}

  /** The key's owner, and whether they are deactivated: both in the one query on the gateway's path. */
  async authenticate(key: string): Promise<ApiKeyOwner | null> {
    if (!this.db || !isWellFormedApiKey(key)) return null;
    const rows: { key_id: string; user_id: string; deactivated: boolean }[] = await this.db.query(
      `SELECT key_id, user_id,
              EXISTS (SELECT 1 FROM deactivated_subjects d WHERE d.subject = api_keys.user_id) AS deactivated
       FROM api_keys
       WHERE secret_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [hashApiKey(key)],
    );
    if (rows.length === 0) return null;
    const [{ key_id: apiKeyId, user_id: id, deactivated }] = rows;
    return { user: { id, roles: ['user'], apiKeyId }, deactivated };
  }
}
