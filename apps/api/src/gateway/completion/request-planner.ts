import { Inject, Injectable } from '@nestjs/common';
import {
  affordableChainHold,
  anthropicLinks,
  AUTO_MODEL,
  assertNotOverdrawn,
  chainHold,
  CreditRefusal,
  detectTask,
  estimateEmbeddingTokens,
  estimateRequestTokens,
  estimateTextTokens,
  requestPowerLevel,
  requestPrivacy,
  route,
  promptCachingOf,
  speaksAnthropic,
  type ChainHold,
  type Margin,
  type ModelKind,
  type PowerLevelCeilings,
  type ProviderId,
  type TaskKind,
  type Tier,
  vetMessageImages,
} from '@ops/domain';
import { GatewayConfig } from '@ops/infra/config/features/gateway-config';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { timeOrderedId } from '@ops/infra/event-sourcing/event-ids';
import { OpenAiCompatibleError } from '@ops/infra/http';
import {
  anthropicOnlyField,
  pdfTokensOf,
  untranslatedTextOf,
  type AnthropicRequest,
  type ChatCompletionRequest,
  type EmbeddingsRequest,
} from '@ops/infra/llm-upstream';
import { MARGIN } from '../credits/margin.provider';
import { RequestCredits } from '../credits/request-credits';
import { ProviderHealthService } from '../health/provider-health.service';
import { LlmCatalog } from '../routing/llm-catalog';
import { USER_PROVIDER_KEYS, type UserProviderKeys } from '../routing/user-provider-keys';
import type {
  AnthropicInbound,
  ChainLink,
  GatewayCaller,
  PlannedRequest,
  RequestPreferences,
  RoutedBody,
} from './gateway-request';

/** What routing and the hold need to know of a request, whatever its endpoint. */
interface RequestShape {
  kind: ModelKind;
  task: TaskKind;
  /** Every input token: what the hold covers. */
  promptTokens: number;
  /** The tokens that must fit one model's context window (the longest item of an embeddings batch). */
  contextTokens: number;
  maxTokens: number | null;
  needsTools: boolean;
  needsVision: boolean;
}

/**
 * The prompt as the hold counts it: the body as it goes upstream, every field included, so the hold
 * covers all of it; a Messages request also sends what its OpenAI form leaves out (replayed thinking,
 * PDFs) to an Anthropic link.
 */
export function promptTokensOf(body: ChatCompletionRequest, anthropic: AnthropicRequest | null): number {
  if (!anthropic) return estimateRequestTokens(body);
  return (
    estimateRequestTokens(body) + estimateTextTokens(untranslatedTextOf(anthropic)) + pdfTokensOf(anthropic)
  );
}

/** A Messages request's links that keep the part named, or a 400 naming that part when none does. */
function linksKeeping(
  chain: readonly ChainLink[],
  only: { field: string; reason: string },
  model: string,
): ChainLink[] {
  const links = anthropicLinks(chain);
  if (links.length > 0) return links;
  const served = [...new Set(chain.map((link) => link.model.provider))].join(', ');
  throw new OpenAiCompatibleError(
    400,
    `${only.field} ${only.reason}, and ${model} is served by ${served} through OpenAI's API, which has no place for it: name an Anthropic model (claude-…) or leave ${only.field} out`,
    'invalid_request_error',
    'anthropic_only_field',
    only.field,
  );
}

/**
 * Everything before the first upstream call: the account's plan, the route (pure policy from
 * libs/domain), and the credit hold that covers the worst case of every platform-paid link of the
 * fallback chain. When the whole chain is too dear for the balance, the chain is cut to the links the
 * first one's hold covers, so a small balance still buys a cheap answer.
 */
@Injectable()
export class RequestPlanner {
  private readonly ceilings: PowerLevelCeilings;

  constructor(
    private readonly credits: RequestCredits,
    private readonly catalog: LlmCatalog,
    private readonly health: ProviderHealthService,
    @Inject(USER_PROVIDER_KEYS) private readonly userKeys: UserProviderKeys,
    private readonly config: GatewayConfig,
    @Inject(MARGIN) private readonly margin: Margin,
  ) {
    this.ceilings = {
      eco: BigInt(config.LLM_BUDGET_ECO_MICROS),
      balanced: BigInt(config.LLM_BUDGET_BALANCED_MICROS),
      precision: BigInt(config.LLM_BUDGET_PRECISION_MICROS),
    };
  }

  async plan(
    requestId: string,
    startedAt: number,
    caller: GatewayCaller,
    request: ChatCompletionRequest,
    preferences: RequestPreferences,
    context: CommandContext,
    anthropic: AnthropicInbound | null = null,
  ): Promise<PlannedRequest> {
    const { body, images } = this.vetImages(request);
    // An assistant turn may leave content out where the policy expects null.
    const messages = body.messages.map((message) => ({ ...message, content: message.content ?? null }));
    const promptTokens = promptTokensOf(body, anthropic?.request ?? null);
    return this.planFor(
      { requestId, startedAt, caller, body, anthropic, preferences, context },
      {
        kind: 'chat',
        task: detectTask(messages),
        promptTokens,
        contextTokens: promptTokens,
        maxTokens: body.max_completion_tokens ?? body.max_tokens ?? null,
        needsTools: (body.tools?.length ?? 0) > 0,
        needsVision: images > 0,
      },
    );
  }

  /**
   * An embeddings request: named models of the embedding kind only, each input item within the
   * model's context, and a hold for every input token (embeddings generate none).
   */
  planEmbeddings(
    requestId: string,
    startedAt: number,
    caller: GatewayCaller,
    body: EmbeddingsRequest,
    preferences: RequestPreferences,
    context: CommandContext,
  ): Promise<PlannedRequest<EmbeddingsRequest>> {
    const tokens = estimateEmbeddingTokens(body.input);
    return this.planFor(
      { requestId, startedAt, caller, body, anthropic: null, preferences, context },
      {
        kind: 'embedding',
        task: 'rag',
        promptTokens: tokens.total,
        contextTokens: tokens.longest,
        maxTokens: 0,
        needsTools: false,
        needsVision: false,
      },
    );
  }

  private async planFor<B extends RoutedBody>(
    request: {
      requestId: string;
      startedAt: number;
      caller: GatewayCaller;
      body: B;
      anthropic: AnthropicInbound | null;
      preferences: RequestPreferences;
      context: CommandContext;
    },
    shape: RequestShape,
  ): Promise<PlannedRequest<B>> {
    const { caller, preferences } = request;
    const [account, byokProviders] = await Promise.all([
      this.credits.account(caller.userId),
      this.userKeys.providersWithKeys(caller.userId),
    ]);
    assertNotOverdrawn(account);
    const { plan } = account;
    const powerLevel = requestPowerLevel(preferences.powerLevel, plan.defaultPowerLevel);
    const privacy = requestPrivacy(plan.privacyMode, preferences.privacy);

    // One snapshot for the route and the record: the prices charged are the ones the chain was built on.
    const catalog = this.catalog.current();
    const anthropicOnly = request.anthropic ? anthropicOnlyField(request.anthropic.request) : null;
    const decision = route({
      // `auto` chooses among the models that can take the request as it is.
      catalog:
        anthropicOnly && request.body.model === AUTO_MODEL
          ? catalog.models.filter(speaksAnthropic)
          : catalog.models,
      kind: shape.kind,
      requestedModel: request.body.model,
      powerLevel,
      privacy,
      tier: plan.tier as Tier,
      task: shape.task,
      promptTokens: shape.contextTokens,
      maxTokens: shape.maxTokens,
      needsTools: shape.needsTools,
      needsVision: shape.needsVision,
      providers: this.health.routeStates(),
      byokProviders: byokProviders as ReadonlySet<ProviderId>,
      maxCandidates: this.config.LLM_MAX_ATTEMPTS,
      controls: preferences.routing,
      ceilings: this.ceilings,
      margin: this.margin,
    });

    const planned: PlannedRequest<B> = {
      requestId: request.requestId,
      caller,
      context: request.context,
      body: request.body,
      anthropic: request.anthropic,
      tier: plan.tier,
      powerLevel,
      ceilingMicros: this.ceilings[powerLevel],
      margin: this.margin,
      controls: preferences.routing ?? null,
      task: shape.task,
      privacy,
      promptTokens: shape.promptTokens,
      maxTokens: shape.maxTokens,
      chain: anthropicOnly
        ? linksKeeping(decision.candidates, anthropicOnly, request.body.model)
        : decision.candidates,
      catalogVersion: catalog.version,
      reservation: null,
      startedAt: request.startedAt,
    };
    return this.hold(planned);
  }

  /** The body with every image URL vetted and normalised (the one forwarded), or a 400 naming the part. */
  private vetImages(request: ChatCompletionRequest): { body: ChatCompletionRequest; images: number } {
    const verdict = vetMessageImages(request.messages, {
      maxDataUrlBytes: this.config.LLM_IMAGE_DATA_URL_MAX_BYTES,
    });
    if ('problem' in verdict) {
      throw new OpenAiCompatibleError(
        400,
        `${verdict.field} ${verdict.problem}`,
        'invalid_request_error',
        'invalid_image_url',
        verdict.field,
      );
    }
    return { body: { ...request, messages: verdict.messages }, images: verdict.images };
  }

  private async hold<B extends RoutedBody>(planned: PlannedRequest<B>): Promise<PlannedRequest<B>> {
    // A prompt marked for caching may be written to the cache whole, at the dearer write rate.
    const request = { ...planned, caching: promptCachingOf(planned.anthropic?.request) };
    const whole = chainHold(request, planned.chain);
    if (whole.amountMicros === 0n) return planned;
    const reservationId = timeOrderedId();
    try {
      return await this.reserve(planned, reservationId, whole);
    } catch (error) {
      const cheaper =
        error instanceof CreditRefusal
          ? affordableChainHold(request, planned.chain, whole.amountMicros)
          : null;
      if (!cheaper) throw error;
      if (cheaper.amountMicros === 0n) return { ...planned, chain: cheaper.chain };
      return this.reserve(planned, reservationId, cheaper);
    }
  }

  private async reserve<B extends RoutedBody>(
    planned: PlannedRequest<B>,
    id: string,
    hold: ChainHold<ChainLink>,
  ): Promise<PlannedRequest<B>> {
    const { amountMicros } = hold;
    const { stored } = await this.credits.reserve(
      planned.caller.userId,
      id,
      planned.requestId,
      amountMicros,
      planned.context,
    );
    return { ...planned, chain: hold.chain, reservation: { id, amountMicros, stored } };
  }
}
