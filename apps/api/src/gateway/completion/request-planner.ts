import { Inject, Injectable } from '@nestjs/common';
import {
  assertNotOverdrawn,
  CreditRefusal,
  detectTask,
  estimateRequestTokens,
  estimateTextTokens,
  isPowerLevel,
  route,
  worstCaseCostMicros,
  type Micros,
  type PowerLevel,
  type ProviderId,
  type Tier,
  vetMessageImages,
} from '@ops/domain';
import { APP_CONFIG } from '@ops/infra/config/config.module';
import type { AppConfig } from '@ops/infra/config/app-config';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { OpenAiCompatibleError } from '@ops/infra/http';
import {
  untranslatedTextOf,
  type AnthropicRequest,
  type ChatCompletionRequest,
} from '@ops/infra/llm-upstream';
import { randomUUID } from 'node:crypto';
import { RequestCredits } from '../credits/request-credits';
import { ProviderHealthService } from '../health/provider-health.service';
import { LlmCatalog } from '../routing/llm-catalog';
import { USER_PROVIDER_KEYS, type UserProviderKeys } from '../routing/user-provider-keys';
import type { ChainLink, GatewayCaller, PlannedRequest, RequestPreferences } from './gateway-request';

/**
 * The prompt as the hold counts it: the body as it goes upstream, every field included, so the hold
 * covers all of it; a Messages request also replays what its OpenAI form leaves out (thinking) to an
 * Anthropic link.
 */
export function promptTokensOf(body: ChatCompletionRequest, anthropic: AnthropicRequest | null): number {
  return estimateRequestTokens(body) + (anthropic ? estimateTextTokens(untranslatedTextOf(anthropic)) : 0);
}

function maxOf(amounts: Micros[]): Micros {
  return amounts.reduce((max, amount) => (amount > max ? amount : max), 0n);
}

/**
 * Everything before the first upstream call: the account's plan, the route (pure policy from
 * libs/domain), and the credit hold that covers the worst case of every platform-paid link of the
 * fallback chain. When the whole chain is too dear for the balance, the chain is cut to the links the
 * first one's hold covers, so a small balance still buys a cheap answer.
 */
@Injectable()
export class RequestPlanner {
  constructor(
    private readonly credits: RequestCredits,
    private readonly catalog: LlmCatalog,
    private readonly health: ProviderHealthService,
    @Inject(USER_PROVIDER_KEYS) private readonly userKeys: UserProviderKeys,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async plan(
    requestId: string,
    startedAt: number,
    caller: GatewayCaller,
    request: ChatCompletionRequest,
    preferences: RequestPreferences,
    context: CommandContext,
    anthropic: AnthropicRequest | null = null,
  ): Promise<PlannedRequest> {
    const { body, images } = this.vetImages(request);
    const [account, byokProviders] = await Promise.all([
      this.credits.account(caller.userId),
      this.userKeys.providersWithKeys(caller.userId),
    ]);
    assertNotOverdrawn(account);
    const { plan } = account;
    const requested = preferences.powerLevel ?? plan.defaultPowerLevel;
    const powerLevel: PowerLevel = isPowerLevel(requested) ? requested : 'balanced';
    // The account's privacy mode cannot be switched off by one request; a request can only add it.
    const privacy = plan.privacyMode || preferences.privacy === true;
    // An assistant turn may leave content out where the policy expects null.
    const messages = body.messages.map((message) => ({ ...message, content: message.content ?? null }));
    const task = detectTask(messages);
    const promptTokens = promptTokensOf(body, anthropic);
    const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? null;

    const decision = route({
      catalog: this.catalog.models,
      requestedModel: body.model,
      powerLevel,
      privacy,
      tier: plan.tier as Tier,
      task,
      promptTokens,
      maxTokens,
      needsTools: (body.tools?.length ?? 0) > 0,
      needsVision: images > 0,
      providers: this.health.routeStates(),
      byokProviders: byokProviders as ReadonlySet<ProviderId>,
      maxCandidates: this.config.LLM_MAX_ATTEMPTS,
    });

    const planned: PlannedRequest = {
      requestId,
      caller,
      context,
      body,
      anthropic,
      tier: plan.tier,
      powerLevel,
      task,
      privacy,
      promptTokens,
      maxTokens,
      chain: decision.candidates,
      reservation: null,
      startedAt,
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

  private worstCase(planned: PlannedRequest, link: ChainLink): Micros {
    return link.byok ? 0n : worstCaseCostMicros(link.model, planned.promptTokens, planned.maxTokens);
  }

  private async hold(planned: PlannedRequest): Promise<PlannedRequest> {
    const whole = maxOf(planned.chain.map((link) => this.worstCase(planned, link)));
    if (whole === 0n) return planned;
    const reservationId = randomUUID();
    try {
      return await this.reserve({ ...planned, reservation: { id: reservationId, amountMicros: whole } });
    } catch (error) {
      const first = this.worstCase(planned, planned.chain[0]);
      if (!(error instanceof CreditRefusal) || first === whole) throw error;
      if (first === 0n) return { ...planned, chain: planned.chain.filter((link) => link.byok) };
      const chain = planned.chain.filter((link) => this.worstCase(planned, link) <= first);
      return this.reserve({ ...planned, chain, reservation: { id: reservationId, amountMicros: first } });
    }
  }

  private async reserve(planned: PlannedRequest): Promise<PlannedRequest> {
    const { id, amountMicros } = planned.reservation!;
    await this.credits.reserve(planned.caller.userId, id, planned.requestId, amountMicros, planned.context);
    return planned;
  }
}
