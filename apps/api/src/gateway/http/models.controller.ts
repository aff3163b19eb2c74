import { ProviderEndpoints } from '@ops/infra/llm-upstream';
import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { qualifiedModelId, tierAllows, type ModelInfo, type ProviderId, type Tier } from '@ops/domain';
import { AcceptsApiKey, CurrentUser, Roles, type AuthenticatedUser } from '@ops/infra/auth';
import { Inject } from '@nestjs/common';
import { RequestCredits } from '../credits/request-credits';
import { LlmCatalog } from '../routing/llm-catalog';
import { USER_PROVIDER_KEYS, type UserProviderKeys } from '../routing/user-provider-keys';
import { RateLimits } from '../limits/rate-limits.interceptor';

/** OpenAI's model object, with our catalog facts beside it (SDKs ignore fields they do not know). */
interface ModelView {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  provider: string;
  family: string;
  display_name: string;
  kind: ModelInfo['kind'];
  lifecycle: ModelInfo['lifecycle'];
  replacement: string | null;
  /** Embedding models: the length of their vectors. */
  dimensions: number | null;
  local: boolean;
  context_length: number;
  max_output_tokens: number;
  capabilities: ModelInfo['capabilities'];
  power_levels: readonly string[];
  min_tier: string;
  byok: boolean;
  pricing: { input_micros_per_million: string; output_micros_per_million: string };
}

/** Catalog time, not the clock: the list is stable between calls, as OpenAI's is. */
const CATALOG_EPOCH = Math.floor(Date.UTC(2026, 0, 1) / 1000);

@ApiTags('llm gateway')
@ApiBearerAuth()
@AcceptsApiKey()
@Roles('user', 'admin')
@Controller()
export class ModelsController {
  constructor(
    private readonly catalog: LlmCatalog,
    private readonly endpoints: ProviderEndpoints,
    private readonly credits: RequestCredits,
    @Inject(USER_PROVIDER_KEYS) private readonly userKeys: UserProviderKeys,
  ) {}

  /**
   * The models the caller may use now: allowed by their tier, on a provider we (or they) can call, not
   * retired. Deprecated ones are listed with their replacement.
   */
  @Get(['api/v1/llm/models', 'v1/models'])
  @RateLimits('report')
  @ApiOkResponse({ description: 'OpenAI model list, with prices in micro-USD per million tokens' })
  async list(@CurrentUser() user: AuthenticatedUser): Promise<{ object: 'list'; data: ModelView[] }> {
    const [{ plan }, byok] = await Promise.all([
      this.credits.account(user.id),
      this.userKeys.providersWithKeys(user.id),
    ]);
    const usable = this.catalog.models.filter(
      (model) =>
        model.lifecycle !== 'retired' &&
        tierAllows(plan.tier as Tier, model.minTier) &&
        (!plan.privacyMode || model.local) &&
        (this.endpoints.usableByPlatform(model.provider as ProviderId) || byok.has(model.provider)),
    );
    const served = new Map<string, number>();
    for (const model of usable) served.set(model.id, (served.get(model.id) ?? 0) + 1);
    return {
      object: 'list',
      data: usable.map((model) => ({
        // A bare id that two providers serve would be ambiguous; those are listed provider-qualified.
        id: served.get(model.id) === 1 ? model.id : qualifiedModelId(model),
        object: 'model',
        created: CATALOG_EPOCH,
        owned_by: model.provider,
        provider: model.provider,
        family: model.family,
        display_name: model.displayName,
        kind: model.kind,
        lifecycle: model.lifecycle,
        replacement: model.replacement,
        dimensions: model.dimensions,
        local: model.local,
        context_length: model.contextLength,
        max_output_tokens: model.maxOutputTokens,
        capabilities: model.capabilities,
        power_levels: model.powerLevels,
        min_tier: model.minTier,
        byok: byok.has(model.provider),
        pricing: {
          input_micros_per_million: model.inputMicrosPerMillion.toString(),
          output_micros_per_million: model.outputMicrosPerMillion.toString(),
          cache_read_micros_per_million: model.cacheReadMicrosPerMillion?.toString() ?? null,
          cache_write_micros_per_million: model.cacheWriteMicrosPerMillion?.toString() ?? null,
        },
      })),
    };
  }
}
