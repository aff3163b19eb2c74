import { Injectable } from '@nestjs/common';
import { providerKeyContext } from '@ops/domain/byok';
import type { SealedField } from '@ops/domain/privacy';
import { DataKeyVault } from '@ops/infra/crypto/data-keys';
import { DataSource } from 'typeorm';

/**
 * What the gateway asks on every request: which providers a user brought keys for, and the key
 * itself, opened just in time (one primary-key lookup, then a cached data key). Nothing here keeps
 * a plain key beyond the call.
 */
@Injectable()
export class ByokKeyResolver {
  constructor(
    private readonly database: DataSource,
    private readonly vault: DataKeyVault,
  ) {}

  /** The user's own key for the provider, or null when they have none (or were erased). */
  async keyFor(userId: string, provider: string): Promise<string | null> {
    const [row]: { sealed_key: SealedField }[] = await this.database.query(
      'SELECT sealed_key FROM provider_keys WHERE user_id = $1 AND provider = $2 AND sealed_key IS NOT NULL',
      [userId, provider],
    );
    if (!row) return null;
    return this.vault.open(row.sealed_key, providerKeyContext(userId, provider, 'api_key'));
  }

  async providersWithKeys(userId: string): Promise<Set<string>> {
    const rows: { provider: string }[] = await this.database.query(
      'SELECT provider FROM provider_keys WHERE user_id = $1 AND sealed_key IS NOT NULL',
      [userId],
    );
    return new Set(rows.map((row) => row.provider));
  }
}
