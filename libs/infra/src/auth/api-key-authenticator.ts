import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReadModelFreshness } from '../projections/read-model-freshness';
import { API_KEYS_PROJECTION } from '../read-models/projection-names';
import { AccessAnswers } from './access-answers';
import { AccessChanges } from './access-changes';
import type { AuthenticatedUser } from './authenticated-user';
import { hashApiKey, isWellFormedApiKey } from './api-key-secret';

export interface ApiKeyOwner {
  user: AuthenticatedUser;
  deactivated: boolean;
}

/**
 * A found key is answered from memory for at most this long before its expiry; from then on every
 * request asks the database, whose clock (one for every replica) decides the instant it expires.
 */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * Turns a personal API key into its owner: one query on the unique hash index of `api_keys`, its
 * answer kept in memory until the access read models change (AccessChanges), so a revocation or a
 * deactivation takes effect as soon as the projection has applied it (milliseconds) on every API
 * replica at once, and an expiry at its instant (see EXPIRY_MARGIN_MS). A key always acts with the
 * `user` role, whatever its owner's roles.
 *
 * A key not found may have been issued a moment ago, its event not projected yet (the issuing answer
 * gave up waiting, or came from another replica): before refusing, the lookup is repeated once the
 * projection has applied the log up to its head, bounded like every read-your-writes wait. Every miss
 * takes that same path whatever the key, so its timing tells nothing about which keys exist.
 */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly answers: AccessAnswers<FoundKey | null> | null;

  constructor(
    // Absent in an app without the read-model database; such an app accepts no API key at all.
    @Optional() @Inject(DataSource) private readonly db?: DataSource,
    @Optional() private readonly freshness?: ReadModelFreshness,
    @Optional() changes?: AccessChanges,
  ) {
    this.answers = changes ? new AccessAnswers(changes) : null;
  }

  /** The key's owner, and whether they are deactivated: both in the one query on the gateway's path. */
  async authenticate(key: string): Promise<ApiKeyOwner | null> {
    if (!this.db || !isWellFormedApiKey(key)) return null;
    const secretHash = hashApiKey(key);
    const found = await this.lookup(this.db, secretHash);
    if (found || !this.freshness) return found;
    await this.freshness.waitForHead([API_KEYS_PROJECTION]);
    return this.lookup(this.db, secretHash);
  }

  /** A miss is never kept: the key may be issued a moment later. */
  private async lookup(db: DataSource, secretHash: string): Promise<ApiKeyOwner | null> {
    const read = () => readKey(db, secretHash);
    const found = this.answers ? await this.answers.get(secretHash, read, keepForMs) : await read();
    return found && found.owner;
  }
}

interface FoundKey {
  owner: ApiKeyOwner;
  /** Milliseconds since the epoch; null: never. */
  expiresAt: number | null;
}

function keepForMs(found: FoundKey | null): number {
  if (found === null) return 0;
  return found.expiresAt === null ? Infinity : found.expiresAt - Date.now() - EXPIRY_MARGIN_MS;
}

async function readKey(db: DataSource, secretHash: string): Promise<FoundKey | null> {
  const rows: { key_id: string; user_id: string; deactivated: boolean; expires_at: Date | null }[] =
    await db.query(
      `SELECT key_id, user_id, expires_at,
              EXISTS (SELECT 1 FROM deactivated_subjects d WHERE d.subject = api_keys.user_id) AS deactivated
       FROM api_keys
       WHERE secret_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [secretHash],
    );
  if (rows.length === 0) return null;
  const [{ key_id: apiKeyId, user_id: id, deactivated, expires_at: expiresAt }] = rows;
  return {
    owner: { user: { id, roles: ['user'], apiKeyId }, deactivated },
    expiresAt: expiresAt === null ? null : expiresAt.getTime(),
  };
}
