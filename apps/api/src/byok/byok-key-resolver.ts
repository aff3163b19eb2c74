import { Injectable } from '@nestjs/common';
import { providerKeyContext } from '@ops/domain/byok';
import { DataKeyVault } from '@ops/infra/crypto/data-keys';
import { ProviderKeysQueries } from '@ops/read-models';

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
    private readonly providerKeys: ProviderKeysQueries,
    private readonly vault: DataKeyVault,
  ) {}

  /** The user's own key for the provider, or null when they have none (or were erased). */
  async keyFor(userId: string, provider: string): Promise<string | null> {
    const sealed = await this.providerKeys.sealedKey(userId, provider);
    if (sealed === null) return null;
    return this.vault.open(sealed, providerKeyContext(userId, provider, 'api_key'));
  }

  /**
   * Asked on every gateway request, so answers are kept for a second: a key added or removed through
   * this process reaches routing at once (`forget`), through another replica within that second;
   * `keyFor` still opens each key fresh, so an erased or removed key is never used.
   */
  async providersWithKeys(userId: string): Promise<ReadonlySet<string>> {
    const cached = this.recent.get(userId);
    if (cached && Date.now() - cached.at <= PROVIDERS_MAX_AGE_MS) return cached.providers;
    const providers = new Set(await this.providerKeys.providersWithKeys(userId));
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
