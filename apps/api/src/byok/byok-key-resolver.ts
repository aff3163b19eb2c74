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
const PROVIDERS_MAX_AGE_MS = 1_000;
const MAX_CACHED_USERS = 10_000;

@Injectable()
export class ByokKeyResolver {
  private readonly recent = new Map<string, { providers: ReadonlySet<string>; at: number }>();
  /** When each user's keys last changed through this process. */
  private readonly changed = new Map<string, number>();

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

  /**
   * Asked on every gateway request, so answers are kept for a second: a key added or removed through
   * this process reaches routing at once (`forget`), through another replica within that second;
   * `keyFor` still opens each key fresh, so an erased or removed key is never used.
   */
  async providersWithKeys(userId: string): Promise<ReadonlySet<string>> {
    const cached = this.recent.get(userId);
    if (cached && Date.now() - cached.at <= PROVIDERS_MAX_AGE_MS) return cached.providers;
    const rows: { provider: string }[] = await this.database.query(
      'SELECT provider FROM provider_keys WHERE user_id = $1 AND sealed_key IS NOT NULL',
      [userId],
    );
    const providers = new Set(rows.map((row) => row.provider));
    // Just after a change the read model may not show it yet (the command waits for it only once its
    // handler is done): such an answer is used once, not kept.
    const changedAt = this.changed.get(userId);
    if (changedAt !== undefined && Date.now() - changedAt <= PROVIDERS_MAX_AGE_MS) return providers;
    this.changed.delete(userId);
    if (this.recent.size >= MAX_CACHED_USERS) this.recent.clear();
    this.recent.set(userId, { providers, at: Date.now() });
    return providers;
  }

  /** The user's keys changed: the next request reads them again. */
  forget(userId: string): void {
    this.recent.delete(userId);
    if (this.changed.size >= MAX_CACHED_USERS) this.changed.clear();
    this.changed.set(userId, Date.now());
  }
}
