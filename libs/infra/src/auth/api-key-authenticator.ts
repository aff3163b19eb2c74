import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from './authenticated-user';
import { hashApiKey, isWellFormedApiKey } from './api-key-secret';

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

  async authenticate(key: string): Promise<AuthenticatedUser | null> {
    if (!this.db || !isWellFormedApiKey(key)) return null;
    const rows: { key_id: string; user_id: string }[] = await this.db.query(
      `SELECT key_id, user_id FROM api_keys
       WHERE secret_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [hashApiKey(key)],
    );
    if (rows.length === 0) return null;
    return { id: rows[0].user_id, roles: ['user'], apiKeyId: rows[0].key_id };
  }
}
