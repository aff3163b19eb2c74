import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  estimateTextTokens,
  priceRequest,
  type Margin,
  type Micros,
  type RequestFailed,
  type UpstreamAttempt,
} from '@ops/domain';
import type { AppConfig } from '@ops/infra/config/app-config';
import { APP_CONFIG } from '@ops/infra/config/config.module';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { describeOpenAiError, GatewayRefusalMetrics } from '@ops/infra/http';
import { redactSecrets } from '@ops/infra/http/logging/redact-secrets';
import type { ChatCompletionRequest, UpstreamStream, UpstreamUsage } from '@ops/infra/llm-upstream';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { MARGIN } from '../credits/margin.provider';
import { RequestCredits } from '../credits/request-credits';
import { GatewayLimits } from '../limits/gateway-limits';
import type { ChainLink, GatewayCaller, PlannedRequest, RequestPreferences } from './gateway-request';
import { RequestLedger, routeOf } from './request-ledger';
import { RequestMetrics } from './request-metrics';
import { RequestPlanner } from './request-planner';
import { SseWriter } from './sse-writer';
import { asUnavailable } from './unavailable-route';
import { ChainExhausted, UpstreamChain } from './upstream-chain';

interface Outcome {
  link: ChainLink;
  attempts: UpstreamAttempt[];
  usage: UpstreamUsage;
  usageEstimated: boolean;
  finishReason: string | null;
  clientDisconnected: boolean;
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

/** The upstream's reported usage or, when it reported none, our count of what was generated. */
function usageOf(
  reported: UpstreamUsage | null,
  planned: PlannedRequest,
  generated: string,
): Pick<Outcome, 'usage' | 'usageEstimated'> {
  if (reported) return { usage: reported, usageEstimated: false };
  return {
    usage: { inputTokens: planned.promptTokens, outputTokens: estimateTextTokens(generated) },
    usageEstimated: true,
  };
}

/** Explains the routing decision to the client. */
function routeHeaders(planned: PlannedRequest, link: ChainLink, attempts: number): Record<string, string> {
  return {
    'x-ops-request-id': planned.requestId,
    'x-ops-provider': link.model.provider,
    'x-ops-model': link.model.id,
    'x-ops-route-reason': link.reason,
    'x-ops-attempts': String(attempts),
    'x-ops-power-level': planned.powerLevel,
    'x-ops-task': planned.task,
    'x-ops-byok': String(link.byok),
  };
}

/**
 * One chat completion from plan to ledger: plan and hold credits, walk the fallback chain, relay the
 * answer, then settle the real cost and record the outcome with its route, in one append. The
 * response ends only once those events are stored.
 */
@Injectable()
export class ChatCompletionsService {
  private readonly logger = new Logger(ChatCompletionsService.name);
  private readonly streamMaxMs: number;

  constructor(
    private readonly planner: RequestPlanner,
    private readonly chain: UpstreamChain,
    private readonly credits: RequestCredits,
    private readonly ledger: RequestLedger,
    private readonly limits: GatewayLimits,
    private readonly refusals: GatewayRefusalMetrics,
    private readonly metrics: RequestMetrics,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(MARGIN) private readonly margin: Margin,
  ) {
    this.streamMaxMs = config.LLM_STREAM_MAX_SECONDS * 1000;
  }

  async handle(
    caller: GatewayCaller,
    body: ChatCompletionRequest,
    preferences: RequestPreferences,
    context: CommandContext,
    response: Response,
  ): Promise<void> {
    const requestId = randomUUID();
    const startedAt = performance.now();
    // On errors too, so a client can name the request the ledger recorded.
    response.setHeader('x-ops-request-id', requestId);
    let planned: PlannedRequest;
    try {
      planned = await this.planner.plan(requestId, startedAt, caller, body, preferences, context);
    } catch (thrown) {
      const error = asUnavailable(thrown);
      // Counted, not recorded: nothing happened to any account, and a flood of refusals must not grow
      // the log.
      this.refusals.refused(error);
      throw error;
    }
    const abort = new AbortController();
    // A stream stops when its reader leaves and is charged for what it produced. A plain answer is
    // not cut: the provider bills the whole generation, so the request runs on and pays its real cost.
    const onClose = () => {
      if (body.stream && !response.writableFinished) abort.abort();
    };
    response.on('close', onClose);
    try {
      if (body.stream) await this.stream(planned, abort.signal, response);
      else await this.complete(planned, abort.signal, response);
    } catch (error) {
      if (error instanceof ChainExhausted && !response.headersSent) {
        response.setHeader('x-ops-attempts', String(error.attempts.length));
      }
      await this.fail(planned, error);
      throw error;
    } finally {
      response.off('close', onClose);
    }
  }

  private async complete(planned: PlannedRequest, signal: AbortSignal, response: Response): Promise<void> {
    const answered = await this.chain.complete(planned, signal);
    const { body, usage } = answered.result;
    const text = body.choices.map((choice) => choice.message.content ?? '').join('');
    const charged = await this.finish(planned, {
      link: answered.link,
      attempts: answered.attempts,
      ...usageOf(usage, planned, text),
      finishReason: body.choices[0]?.finish_reason ?? null,
      clientDisconnected: response.destroyed,
    });
    response
      .status(200)
      .set({
        ...routeHeaders(planned, answered.link, answered.attempts.length),
        'x-ops-cost-micros': charged.toString(),
      })
      .json({ ...body, model: answered.link.model.id });
  }

  /**
   * Relays a stream, cut at LLM_STREAM_MAX_SECONDS after the request began: the hold lives a little
   * longer (LLM_RESERVATION_TTL_SECONDS), so a slow upstream or a slow reader cannot outlive it. A cut
   * stream is charged for what it produced, like any other.
   */
  private async stream(planned: PlannedRequest, signal: AbortSignal, response: Response): Promise<void> {
    const answered = await this.chain.stream(planned, signal);
    const upstream: UpstreamStream = answered.result;
    const writer = new SseWriter(response);
    writer.open(routeHeaders(planned, answered.link, answered.attempts.length));
    const wantsUsage = planned.body.stream_options?.include_usage === true;
    let generated = '';
    let finishReason: string | null = null;
    let failure: unknown = null;
    let timedOut = false;
    let firstTokenSeen = false;
    const deadline = setTimeout(
      () => {
        timedOut = true;
        upstream.close();
        writer.abandonIfStalled();
      },
      Math.max(0, this.streamMaxMs - (performance.now() - planned.startedAt)),
    );
    try {
      for await (const chunk of upstream.chunks) {
        if (writer.closed || timedOut) break;
        for (const choice of chunk.choices) {
          generated += choice.delta.content ?? '';
          for (const call of choice.delta.tool_calls ?? []) generated += call.function?.arguments ?? '';
          finishReason = choice.finish_reason ?? finishReason;
        }
        if (!firstTokenSeen && generated !== '') {
          firstTokenSeen = true;
          this.metrics.firstTokenAfter(
            answered.link.model.provider,
            (performance.now() - planned.startedAt) / 1000,
          );
        }
        if (chunk.choices.length === 0 && chunk.usage && !wantsUsage) continue;
        await writer.data({ ...chunk, model: answered.link.model.id });
      }
    } catch (error) {
      failure = error;
    } finally {
      clearTimeout(deadline);
      upstream.close();
    }
    const clientDisconnected = signal.aborted || writer.closed;
    await this.finish(planned, {
      link: answered.link,
      attempts: answered.attempts,
      ...usageOf(upstream.usage(), planned, generated),
      finishReason: timedOut ? 'time_limit' : failure && !clientDisconnected ? 'error' : finishReason,
      clientDisconnected,
    });
    if (timedOut && !clientDisconnected) {
      await writer.data({
        error: {
          message: `The stream reached the gateway's time limit of ${this.streamMaxMs / 1000} seconds`,
          type: 'api_error',
          param: null,
          code: 'stream_time_limit',
        },
      });
    } else if (failure && !clientDisconnected) {
      this.logger.warn({ requestId: planned.requestId, err: failure }, 'Upstream failed mid-stream');
      await writer.data({
        error: {
          message: 'The provider failed mid-stream',
          type: 'api_error',
          param: null,
          code: 'upstream_stream_error',
        },
      });
    } else if (!clientDisconnected) {
      await writer.done();
    }
    writer.end();
  }

  /**
   * Settles the hold and records the completion together; returns what the credits paid: the real
   * cost, also beyond the hold (an overdraft) and also when the hold has ended meanwhile.
   */
  private async finish(planned: PlannedRequest, outcome: Outcome): Promise<Micros> {
    const { link, usage } = outcome;
    this.limits.used(planned.requestId, usage.inputTokens + usage.outputTokens);
    const payer = { tier: planned.tier, byok: link.byok };
    const price = priceRequest(link.model, payer, usage.inputTokens, usage.outputTokens, this.margin);
    const cost = price.chargedMicros;
    const charged = planned.reservation ? cost : 0n;
    const elapsedMs = performance.now() - planned.startedAt;
    const completion = this.ledger.completion(
      {
        requestId: planned.requestId,
        userId: planned.caller.userId,
        provider: link.model.provider,
        model: link.model.id,
        byok: link.byok,
        tier: planned.tier,
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        costMicros: charged.toString(),
        listCostMicros: price.listMicros.toString(),
        latencyMs: Math.round(elapsedMs),
        attempts: outcome.attempts,
        streamed: planned.body.stream === true,
        finishReason: outcome.finishReason,
        clientDisconnected: outcome.clientDisconnected,
        usageEstimated: outcome.usageEstimated,
        route: routeOf(planned),
      },
      planned.context,
    );
    await (planned.reservation
      ? this.credits.settle(planned.caller.userId, planned.reservation.id, cost, planned.context, completion)
      : this.ledger.record(completion));
    // Counted once stored: a request whose record fails is answered with an error, and counted as one.
    this.metrics.answered(link, outcome.attempts, usage, charged, elapsedMs / 1000);
    return charged;
  }

  /** Nothing was generated: release the hold and record why. */
  private async fail(planned: PlannedRequest, error: unknown): Promise<void> {
    const described = describeError(error);
    const attempts = error instanceof ChainExhausted ? error.attempts : [];
    const [first] = planned.chain;
    this.metrics.failed(
      attempts.at(-1) ?? { provider: first.model.provider, model: first.model.id },
      attempts,
      described.status,
    );
    const failure = this.ledger.failure(
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
    await (planned.reservation
      ? this.credits.release(planned.caller.userId, planned.reservation.id, planned.context, failure)
      : this.ledger.record(failure));
  }
}
