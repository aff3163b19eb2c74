import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { outputTokenBudget, type ProviderId, type UpstreamAttempt } from '@ops/domain';
import { GatewayConfig } from '@ops/infra/config/features/gateway-config';
import { OpenAiCompatibleError } from '@ops/infra/http';
import {
  ProviderEndpoints,
  UpstreamClient,
  UpstreamError,
  type AnthropicRequest,
  type ChatCompletionRequest,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
  type UpstreamStream,
  type UpstreamTarget,
  type UpstreamUsage,
} from '@ops/infra/llm-upstream';
import { attemptOutcomeOf, ProviderHealthService } from '../health/provider-health.service';
import { USER_PROVIDER_KEYS, type UserProviderKeys } from '../routing/user-provider-keys';
import type { StreamItem, UpstreamAnswer } from './client-wire';
import type { ChainLink, PlannedRequest, RoutedBody } from './gateway-request';

export interface Answered<T> {
  link: ChainLink;
  result: T;
  attempts: UpstreamAttempt[];
}

/** OpenAI's error type for each status the chain answers with; the rest are `api_error`. */
const EXHAUSTED_TYPES: Record<number, string> = {
  [HttpStatus.BAD_REQUEST]: 'invalid_request_error',
  [HttpStatus.TOO_MANY_REQUESTS]: 'rate_limit_error',
};

/** The whole chain failed: what the client is told, and what was tried. */
export class ChainExhausted extends OpenAiCompatibleError {
  constructor(
    readonly attempts: UpstreamAttempt[],
    status: number,
    message: string,
    code: string,
  ) {
    super(status, message, EXHAUSTED_TYPES[status] ?? 'api_error', code);
  }
}

/** 429 when every provider was rate limited, 503 when none could be reached, 502 for their errors. */
function exhausted(attempts: UpstreamAttempt[]): ChainExhausted {
  const tried = attempts
    .map((attempt) => `${attempt.provider}/${attempt.model}: ${attempt.outcome}`)
    .join('; ');
  // Every link was skipped before a call (a user's key removed since planning): nothing to blame upstream.
  if (attempts.length === 0) {
    return new ChainExhausted(
      attempts,
      HttpStatus.SERVICE_UNAVAILABLE,
      'No provider could be called',
      'no_provider_available',
    );
  }
  if (attempts.every((attempt) => attempt.outcome === 'rate_limited')) {
    return new ChainExhausted(
      attempts,
      HttpStatus.TOO_MANY_REQUESTS,
      `Every provider is rate limited (${tried})`,
      'upstream_rate_limited',
    );
  }
  if (attempts.every((attempt) => attempt.outcome === 'timeout' || attempt.outcome === 'connection')) {
    return new ChainExhausted(
      attempts,
      HttpStatus.SERVICE_UNAVAILABLE,
      `No provider answered (${tried})`,
      'upstream_unavailable',
    );
  }
  return new ChainExhausted(
    attempts,
    HttpStatus.BAD_GATEWAY,
    `Every provider failed (${tried})`,
    'upstream_error',
  );
}

/**
 * Walks the fallback chain: the next link is tried after a 429, a 5xx, a timeout, a connection
 * error or a refused key; a request the upstream finds malformed (400) goes back to the client,
 * since another provider would refuse it too. Every outcome feeds provider health.
 */
@Injectable()
export class UpstreamChain {
  private readonly logger = new Logger(UpstreamChain.name);

  constructor(
    private readonly client: UpstreamClient,
    private readonly endpoints: ProviderEndpoints,
    private readonly health: ProviderHealthService,
    @Inject(USER_PROVIDER_KEYS) private readonly userKeys: UserProviderKeys,
    private readonly config: GatewayConfig,
  ) {}

  /** A Messages client reaching an Anthropic link speaks to it untranslated; every other pair through OpenAI's shape. */
  complete(planned: PlannedRequest, signal: AbortSignal): Promise<Answered<UpstreamAnswer>> {
    return this.walk(planned, async (target, link) => {
      if (planned.anthropic && target.wireFormat === 'anthropic') {
        const beta = planned.anthropic.beta;
        const answer = await this.client.messages(
          { ...target, beta },
          anthropicRequest(planned, link),
          signal,
        );
        return { wire: 'anthropic', ...answer };
      }
      const answer = await this.client.complete(target, chatRequest(planned, link), signal);
      return { wire: 'openai', ...answer };
    });
  }

  /** Resolves once a provider started answering; no fallback after that, the client has bytes. */
  stream(planned: PlannedRequest, signal: AbortSignal): Promise<Answered<UpstreamStream<StreamItem>>> {
    return this.walk(planned, async (target, link) => {
      if (planned.anthropic && target.wireFormat === 'anthropic') {
        const beta = planned.anthropic.beta;
        const events = await this.client.messagesStream(
          { ...target, beta },
          anthropicRequest(planned, link),
          signal,
        );
        return itemsOf(events, (event): StreamItem => ({ wire: 'anthropic', event }));
      }
      const chunks = await this.client.stream(target, chatRequest(planned, link), signal);
      return itemsOf(chunks, (chunk): StreamItem => ({ wire: 'openai', chunk }));
    });
  }

  embed(
    planned: PlannedRequest<EmbeddingsRequest>,
    signal: AbortSignal,
  ): Promise<Answered<{ body: EmbeddingsResponse; usage: UpstreamUsage | null }>> {
    return this.walk(planned, (target, link) =>
      this.client.embed(target, { ...planned.body, model: link.model.id }, signal),
    );
  }

  private async walk<B extends RoutedBody, T>(
    planned: PlannedRequest<B>,
    call: (target: UpstreamTarget, link: ChainLink) => Promise<T>,
  ): Promise<Answered<T>> {
    const attempts: UpstreamAttempt[] = [];
    for (const link of planned.chain) {
      const target = await this.targetFor(planned, link);
      if (!target) continue;
      const started = performance.now();
      this.health.beforeCall(link.model.provider);
      try {
        const result = await call(target, link);
        const latencyMs = Math.round(performance.now() - started);
        attempts.push({
          provider: link.model.provider,
          model: link.model.id,
          outcome: 'ok',
          status: 200,
          latencyMs,
        });
        this.health.record(link.model.provider, { kind: 'ok', latencyMs });
        return { link, result, attempts };
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        const latencyMs = Math.round(performance.now() - started);
        // The provider's explanation lives here only (redacted in `message`): never in answers or events.
        this.logger.warn(
          {
            requestId: planned.requestId,
            provider: link.model.provider,
            model: link.model.id,
            detail: error.message,
          },
          'Upstream attempt failed',
        );
        attempts.push({
          provider: link.model.provider,
          model: link.model.id,
          outcome: attemptOutcomeOf(error),
          status: error.status,
          latencyMs,
        });
        if (error.kind === 'bad_request') {
          throw new ChainExhausted(
            attempts,
            HttpStatus.BAD_REQUEST,
            `${link.model.provider} refused the request: ${error.publicMessage}`,
            'upstream_bad_request',
          );
        }
        this.health.record(link.model.provider, { kind: attemptOutcomeOf(error), latencyMs });
      }
    }
    throw exhausted(attempts);
  }

  private async targetFor(
    planned: PlannedRequest<RoutedBody>,
    link: ChainLink,
  ): Promise<UpstreamTarget | null> {
    const endpoint = this.endpoints.endpoint(link.model.provider as ProviderId);
    if (!endpoint) return null;
    const apiKey = link.byok
      ? await this.userKeys.keyFor(planned.caller.userId, link.model.provider)
      : endpoint.platformKey;
    if (link.byok && apiKey === null) return null;
    return {
      provider: link.model.provider,
      wireFormat: endpoint.provider.wireFormat,
      baseUrl: endpoint.baseUrl,
      apiKey,
      model: link.model.id,
      timeoutMs: this.config.LLM_UPSTREAM_TIMEOUT_MS,
    };
  }
}

function outputBudget(planned: PlannedRequest, link: ChainLink): number {
  return Math.max(1, outputTokenBudget(link.model, planned.promptTokens, planned.maxTokens));
}

/**
 * The body sent upstream: the client's, without our extensions, with the output limit the hold was
 * computed for, so no provider can generate more than the credits held.
 */
function chatRequest(planned: PlannedRequest, link: ChainLink): ChatCompletionRequest {
  const { body } = planned;
  const budget = outputBudget(planned, link);
  const request: ChatCompletionRequest = { ...body, model: link.model.id };
  delete (request as { power_level?: unknown }).power_level;
  delete (request as { privacy?: unknown }).privacy;
  if (body.max_completion_tokens !== undefined && body.max_completion_tokens !== null) {
    request.max_completion_tokens = budget;
  } else {
    request.max_tokens = budget;
  }
  return request;
}

/** Anthropic wants a thinking budget below `max_tokens`, and of at least 1,024 tokens. */
const MIN_THINKING_TOKENS = 1_024;

/** A Messages client's own request, with the link's model and the output limit the hold covers. */
function anthropicRequest(planned: PlannedRequest, link: ChainLink): AnthropicRequest {
  const budget = outputBudget(planned, link);
  const request: AnthropicRequest = {
    ...planned.anthropic!.request,
    model: link.model.id,
    max_tokens: budget,
  };
  const { thinking } = request;
  if (thinking?.type === 'enabled' && thinking.budget_tokens >= budget) {
    if (budget - 1 < MIN_THINKING_TOKENS) delete request.thinking;
    else request.thinking = { type: 'enabled', budget_tokens: budget - 1 };
  }
  return request;
}

/** A stream whose pieces are tagged with the wire they came in. */
function itemsOf<T>(stream: UpstreamStream<T>, tag: (piece: T) => StreamItem): UpstreamStream<StreamItem> {
  return {
    chunks: (async function* () {
      for await (const piece of stream.chunks) yield tag(piece);
    })(),
    usage: () => stream.usage(),
    close: () => stream.close(),
  };
}
