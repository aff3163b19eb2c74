import { Module } from '@nestjs/common';
import { ProviderEndpoints, UpstreamClient } from '@ops/infra/llm-upstream';
import { ByokKeyResolver } from '../byok/byok-key-resolver';
import { ByokModule } from '../byok/byok.module';
import { CatalogController } from './catalog/catalog.controller';
import { PriceImportService } from './catalog/price-import.service';
import { ChatCompletionsService } from './completion/chat-completions.service';
import { EmbeddingsService } from './completion/embeddings.service';
import { RequestLedger } from './completion/request-ledger';
import { RequestMetrics } from './completion/request-metrics';
import { RequestPlanner } from './completion/request-planner';
import { RequestSettlement } from './completion/request-settlement';
import { UpstreamChain } from './completion/upstream-chain';
import { HoldExpirySweeper } from './credits/hold-expiry.sweeper';
import { marginProvider } from './credits/margin.provider';
import { RequestCredits } from './credits/request-credits';
import { ProviderHealthService } from './health/provider-health.service';
import { SharedProviderHealth } from './health/shared-provider-health';
import { AnthropicMessagesController } from './http/anthropic-messages.controller';
import { ChatCompletionsController } from './http/chat-completions.controller';
import { EmbeddingsController } from './http/embeddings.controller';
import { LlmHealthController } from './http/llm-health.controller';
import { GatewayLimits } from './limits/gateway-limits';
import { ModelsController } from './http/models.controller';
import { LlmCatalog } from './routing/llm-catalog';
import { USER_PROVIDER_KEYS } from './routing/user-provider-keys';

/** The LLM gateway (OpenAI's chat completions, Anthropic's Messages): routing, fallbacks, provider health, credit holds and rate limits. */
@Module({
  imports: [ByokModule],
  controllers: [
    ChatCompletionsController,
    AnthropicMessagesController,
    EmbeddingsController,
    ModelsController,
    LlmHealthController,
    CatalogController,
  ],
  providers: [
    UpstreamClient,
    LlmCatalog,
    PriceImportService,
    ProviderEndpoints,
    ProviderHealthService,
    SharedProviderHealth,
    RequestCredits,
    HoldExpirySweeper,
    RequestLedger,
    RequestMetrics,
    RequestPlanner,
    RequestSettlement,
    UpstreamChain,
    ChatCompletionsService,
    EmbeddingsService,
    GatewayLimits,
    marginProvider,
    { provide: USER_PROVIDER_KEYS, useExisting: ByokKeyResolver },
  ],
  exports: [RequestCredits, LlmCatalog],
})
export class GatewayModule {}
