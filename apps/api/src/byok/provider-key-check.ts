import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import type { ProviderInfo } from '@ops/domain/llm/providers';
import { GatewayConfig } from '@ops/infra/config/features/gateway-config';
import { FieldErrorsException } from '@ops/infra/http/problem-details';
import { ProviderEndpoints, UpstreamClient, UpstreamError } from '@ops/infra/llm-upstream';

export type KeyCheck =
  | { status: 'valid'; validatedAt: string; detail: string }
  | { status: 'unverified'; validatedAt: null; detail: string };

/** Providers may quote the key they refused; it must not travel on in our answer. */
function withoutKey(message: string, apiKey: string): string {
  return message.split(apiKey).join('[redacted]');
}

/**
 * The live half of a BYOK key's validation: asks the provider's models endpoint with the key. A
 * refusal is final (422 with the provider's reason); a provider that cannot be asked (unreachable,
 * slow, failing) leaves the key stored as unverified instead of refusing a key that may be good.
 */
@Injectable()
export class ProviderKeyCheck {
  private readonly logger = new Logger(ProviderKeyCheck.name);

  constructor(
    private readonly upstream: UpstreamClient,
    private readonly endpoints: ProviderEndpoints,
    private readonly config: GatewayConfig,
  ) {}

  async check(provider: ProviderInfo, apiKey: string, now: () => Date = () => new Date()): Promise<KeyCheck> {
    // Where the gateway reaches the provider too.
    const baseUrl = this.endpoints.endpoint(provider.id)?.baseUrl;
    if (!baseUrl) {
      return {
        status: 'unverified',
        validatedAt: null,
        detail: `no endpoint is configured for ${provider.id}`,
      };
    }
    try {
      await this.upstream.listModels({
        provider: provider.id,
        wireFormat: provider.wireFormat,
        baseUrl,
        apiKey,
        model: '',
        timeoutMs: this.config.BYOK_VALIDATION_TIMEOUT_MS,
      });
      return {
        status: 'valid',
        validatedAt: now().toISOString(),
        detail: `${provider.displayName} accepted the key`,
      };
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      const reason = withoutKey(error.upstreamMessage, apiKey);
      if (error.kind === 'auth') {
        throw new FieldErrorsException(
          [{ field: 'api_key', message: `${provider.displayName} refused the key: ${reason}` }],
          HttpStatus.UNPROCESSABLE_ENTITY,
        );
      }
      this.logger.warn(
        { provider: provider.id, kind: error.kind, status: error.status },
        'BYOK key not verifiable',
      );
      return {
        status: 'unverified',
        validatedAt: null,
        detail: `${provider.displayName} could not be asked (${error.kind}): the key is stored unverified`,
      };
    }
  }
}
