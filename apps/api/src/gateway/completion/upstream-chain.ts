import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { outputTokenBudget, type ProviderId, type UpstreamAttempt } from '@ops/domain';
import { APP_CONFIG } from '@ops/infra/config/config.module';
import type { AppConfig } from '@ops/infra/config/app-config';
import { OpenAiCompatibleError } from '@ops/infra/http';
import {
  ProviderEndpoints,
  UpstreamClient,
  UpstreamError,
  type ChatCompletion,
  type ChatCompletionRequest,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
  type UpstreamStream,
  type UpstreamTarget,
  type UpstreamUsage,
} from '@ops/infra/llm-upstream';
import { attemptOutcomeOf, ProviderHealthService } from '../health/provider-health.service';
import { USER_PROVIDER_KEYS, type UserProviderKeys } from '../routing/user-provider-keys';
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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  complete(
    planned: PlannedRequest,
    signal: AbortSignal,
  ): Promise<Answered<{ body: ChatCompletion; usage: UpstreamUsage | null }>> {
    return this.walk(planned, chatRequest, (target, request) =>
      this.client.complete(target, request, signal),
    );
  }

  /** Resolves once a provider started answering; no fallback after that, the client has bytes. */
  stream(planned: PlannedRequest, signal: AbortSignal): Promise<Answered<UpstreamStream>> {
    return this.walk(planned, chatRequest, (target, request) => this.client.stream(target, request, signal));
  }

  embed(
    planned: PlannedRequest<EmbeddingsRequest>,
    signal: AbortSignal,
  ): Promise<Answered<{ body: EmbeddingsResponse; usage: UpstreamUsage | null }>> {
    return this.walk(
      planned,
      (_planned, link) => ({ ...planned.body, model: link.model.id }),
      (target, request) => this.client.embed(target, request, signal),
    );
  }

  private async walk<B extends RoutedBody, R, T>(
    planned: PlannedRequest<B>,
    upstreamRequest: (planned: PlannedRequest<B>, link: ChainLink) => R,
    call: (target: UpstreamTarget, request: R) => Promise<T>,
  ): Promise<Answered<T>> {
    const attempts: UpstreamAttempt[] = [];
    for (const link of planned.chain) {
      const target = await this.targetFor(planned, link);
      if (!target) continue;
      const started = performance.now();
      this.health.beforeCall(link.model.provider);
      try {
        const result = await call(target, upstreamRequest(planned, link));
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

/**
 * The body sent upstream: the client's, without our extensions, with the output limit the hold was
 * computed for, so no provider can generate more than the credits held.
 */
function chatRequest(planned: PlannedRequest, link: ChainLink): ChatCompletionRequest {
  const { body } = planned;
  const budget = Math.max(1, outputTokenBudget(link.model, planned.promptTokens, planned.maxTokens));
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
