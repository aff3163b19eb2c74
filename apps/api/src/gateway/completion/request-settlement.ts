import { Inject, Injectable } from '@nestjs/common';
import {
  priceRequest,
  settledRequestOf,
  type Margin,
  type Micros,
  type ModelInfo,
  type RequestCompleted,
  type RequestPricing,
  type RequestFailed,
  type UpstreamAttempt,
} from '@ops/domain';
import { describeOpenAiError } from '@ops/infra/http';
import { redactSecrets } from '@ops/infra/http/logging/redact-secrets';
import type { UpstreamUsage } from '@ops/infra/llm-upstream';
import { MARGIN } from '../credits/margin.provider';
import { RequestCredits } from '../credits/request-credits';
import { ProviderHealthService } from '../health/provider-health.service';
import { GatewayLimits } from '../limits/gateway-limits';
import type { ChainLink, PlannedRequest, Reservation, RoutedBody } from './gateway-request';
import { RequestLedger, routeOf } from './request-ledger';
import { RequestMetrics } from './request-metrics';
import { ChainExhausted } from './upstream-chain';

/** How a request that reached a provider ended. */
export interface Outcome {
  link: ChainLink;
  attempts: UpstreamAttempt[];
  usage: UpstreamUsage;
  usageEstimated: boolean;
  finishReason: string | null;
  clientDisconnected: boolean;
}

const OPTIONAL_RATES = [
  'cacheReadMicrosPerMillion',
  'cacheWriteMicrosPerMillion',
  'inputMicrosPerMillionAbove200k',
  'outputMicrosPerMillionAbove200k',
  'webSearchMicrosPerRequest',
] as const;

/** The unit prices a request is charged with, as its RequestCompleted records them. */
function pricingOf(model: ModelInfo, catalogVersion: number): RequestPricing {
  const pricing: RequestPricing = {
    catalogVersion,
    inputMicrosPerMillion: model.inputMicrosPerMillion.toString(),
    outputMicrosPerMillion: model.outputMicrosPerMillion.toString(),
  };
  for (const rate of OPTIONAL_RATES) {
    const value = model[rate];
    if (value !== undefined) pricing[rate] = value.toString();
  }
  return pricing;
}

/**
 * The error as the client sees it (OpenAI type and code), for the RequestFailed event. The event is
 * kept forever and replayed to auditors, so its message is redacted once more, whatever its source.
 */
function describeError(error: unknown): RequestFailed['data']['error'] {
  const { problem, body } = describeOpenAiError(error);
  return {
    type: body.type,
    code: body.code ?? 'error',
    status: problem.status,
    message: redactSecrets(problem.detail),
  };
}

/** The request's hold once stored (null: none), or why it was not stored after all. */
async function holdOutcome(
  planned: PlannedRequest<RoutedBody>,
): Promise<{ held: Reservation | null; failure?: unknown }> {
  if (!planned.reservation) return { held: null };
  try {
    await planned.reservation.stored;
    return { held: planned.reservation };
  } catch (failure) {
    return { held: null, failure };
  }
}

/**
 * Stops the request's upstream call once its hold turns out not to be stored after all (the account,
 * once current, refused it; the append failed): no answer can be given, so the call should not run on.
 */
export function abortIfHoldLost(planned: PlannedRequest<RoutedBody>, abort: AbortController): void {
  planned.reservation?.stored.catch((failure: unknown) => abort.abort(failure));
}

/**
 * How every routed request ends, whatever its endpoint: the hold settled at the real cost (or
 * released), the request's one event recorded with it, its tokens reported to the rate limits and
 * its outcome to the metrics.
 */
@Injectable()
export class RequestSettlement {
  /** Requests whose completion is stored (its own stream no longer refuses a later failure: see `fail`). */
  private readonly completed = new WeakSet<PlannedRequest<RoutedBody>>();

  constructor(
    private readonly credits: RequestCredits,
    private readonly ledger: RequestLedger,
    private readonly limits: GatewayLimits,
    private readonly metrics: RequestMetrics,
    private readonly health: ProviderHealthService,
    @Inject(MARGIN) private readonly margin: Margin,
  ) {}

  /**
   * Settles the hold and records the completion together; returns what the credits paid: the real
   * cost, also beyond the hold (an overdraft) and also when the hold has ended meanwhile. Throws
   * when the hold was not stored after all: the request then fails (see `fail`).
   */
  async finish(
    planned: PlannedRequest<RoutedBody>,
    outcome: Outcome,
    endpoint: NonNullable<RequestCompleted['data']['endpoint']> = 'chat',
  ): Promise<Micros> {
    await planned.reservation?.stored;
    const { link, usage } = outcome;
    this.limits.used(planned.requestId, usage.inputTokens + usage.outputTokens);
    const payer = { tier: planned.tier, byok: link.byok };
    const cache = {
      readTokens: usage.cacheReadTokens ?? 0,
      writeTokens: usage.cacheWriteTokens ?? 0,
      oneHourWriteTokens: usage.cacheWrite1hTokens ?? 0,
    };
    const tools = { webSearchRequests: usage.webSearchRequests ?? 0 };
    const price = priceRequest(
      link.model,
      payer,
      usage.inputTokens,
      usage.outputTokens,
      this.margin,
      cache,
      tools,
    );
    const cost = price.chargedMicros;
    const charged = planned.reservation ? cost : 0n;
    const elapsedMs = performance.now() - planned.startedAt;
    const completed: RequestCompleted['data'] = {
      requestId: planned.requestId,
      userId: planned.caller.userId,
      provider: link.model.provider,
      model: link.model.id,
      byok: link.byok,
      tier: planned.tier,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      ...(cache.readTokens > 0 ? { cacheReadTokens: cache.readTokens } : {}),
      ...(cache.writeTokens > 0 ? { cacheWriteTokens: cache.writeTokens } : {}),
      ...(cache.oneHourWriteTokens > 0 ? { cacheWrite1hTokens: cache.oneHourWriteTokens } : {}),
      ...(tools.webSearchRequests > 0 ? { webSearchRequests: tools.webSearchRequests } : {}),
      costMicros: charged.toString(),
      listCostMicros: price.listMicros.toString(),
      latencyMs: Math.round(elapsedMs),
      attempts: outcome.attempts,
      streamed: planned.body.stream === true,
      finishReason: outcome.finishReason,
      clientDisconnected: outcome.clientDisconnected,
      usageEstimated: outcome.usageEstimated,
      route: routeOf(planned),
      endpoint,
      pricing: pricingOf(link.model, planned.catalogVersion),
    };
    const { debited } = planned.reservation
      ? await this.credits.settle(
          planned.caller.userId,
          planned.reservation.id,
          cost,
          planned.context,
          settledRequestOf(completed),
        )
      : { debited: false };
    if (!debited) await this.ledger.record(this.ledger.completion(completed, planned.context));
    this.completed.add(planned);
    // Counted once stored: a request whose record fails is answered with an error, and counted as one.
    this.metrics.answered(link, outcome.attempts, usage, charged, elapsedMs / 1000);
    if (!outcome.usageEstimated && !outcome.clientDisconnected) {
      // From the answering call on: the attempts that failed before it took the rest of the time.
      const failedMs = outcome.attempts
        .filter((attempt) => attempt.outcome !== 'ok')
        .reduce((sum, attempt) => sum + attempt.latencyMs, 0);
      this.health.recordAnswer(link.model.provider, usage.outputTokens, elapsedMs - failedMs);
    }
    return charged;
  }

  /**
   * Nothing was generated (or nothing may be answered): releases the hold, if it was stored, and
   * records why. Returns what the request failed of: the hold's own failure when it was not stored
   * after all (whatever the upstream did meanwhile is moot), `error` otherwise.
   */
  async fail(request: PlannedRequest<RoutedBody>, error: unknown): Promise<unknown> {
    // A request ends once: one whose completion is stored is not also a failure, whatever broke after.
    if (this.completed.has(request)) return error;
    const hold = await holdOutcome(request);
    const reservation = hold.held;
    const planned = reservation === request.reservation ? request : { ...request, reservation };
    const cause = 'failure' in hold ? hold.failure : error;
    const described = describeError(cause);
    const attempts = cause instanceof ChainExhausted ? cause.attempts : [];
    const [first] = planned.chain;
    this.metrics.failed(
      attempts.at(-1) ?? { provider: first.model.provider, model: first.model.id },
      attempts,
      described.status,
    );
    const recorded = this.ledger.failure(
      {
        requestId: planned.requestId,
        userId: planned.caller.userId,
        tier: planned.tier,
        error: described,
        latencyMs: Math.round(performance.now() - planned.startedAt),
        attempts,
        route: routeOf(planned),
      },
      planned.context,
    );
    await (reservation
      ? this.credits.release(planned.caller.userId, reservation.id, planned.context, recorded)
      : this.ledger.record(recorded));
    return cause;
  }
}
