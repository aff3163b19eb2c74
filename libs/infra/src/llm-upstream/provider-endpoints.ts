import { Injectable } from '@nestjs/common';
import {
  apiKeyVariable,
  baseUrlVariable,
  PROVIDERS,
  upstreamBaseUrl,
  type ProviderId,
  type ProviderInfo,
} from '@ops/domain';
import { ProvidersConfig } from './providers-config';

/** Where the platform reaches one provider, and with which key (null: none of its own). */
export interface ProviderEndpoint {
  provider: ProviderInfo;
  baseUrl: string;
  platformKey: string | null;
}

/**
 * Each provider's endpoint from `<PREFIX>_BASE_URL` (written as the provider's SDK reads it, see
 * `upstreamBaseUrl`) / `<PREFIX>_API_KEY`, falling back to the catalog's public URL. A local provider needs its URL configured; a remote one is usable by the
 * platform only with a key (users may still bring their own).
 */
@Injectable()
export class ProviderEndpoints {
  private readonly endpoints: ReadonlyMap<ProviderId, ProviderEndpoint>;

  constructor(config: ProvidersConfig) {
    const env = config.providerEnv;
    const endpoints = new Map<ProviderId, ProviderEndpoint>();
    for (const provider of PROVIDERS) {
      const baseUrl = env[baseUrlVariable(provider)] ?? provider.defaultBaseUrl;
      if (!baseUrl) continue;
      endpoints.set(provider.id, {
        provider,
        baseUrl: upstreamBaseUrl(provider, baseUrl),
        platformKey: env[apiKeyVariable(provider)] ?? null,
      });
    }
    this.endpoints = endpoints;
  }

  endpoint(provider: ProviderId): ProviderEndpoint | undefined {
    return this.endpoints.get(provider);
  }

  /** The platform itself can call it: a configured local endpoint, or a remote one with our key. */
  usableByPlatform(provider: ProviderId): boolean {
    const endpoint = this.endpoints.get(provider);
    if (!endpoint) return false;
    return endpoint.provider.local ? true : endpoint.platformKey !== null;
  }

  all(): ProviderEndpoint[] {
    return [...this.endpoints.values()];
  }
}
