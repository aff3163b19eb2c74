import { Injectable, Logger } from '@nestjs/common';
import { estimateTextTokens } from '@ops/domain';
import { GatewayConfig } from '@ops/infra/config/features/gateway-config';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { timeOrderedId } from '@ops/infra/event-sourcing/event-ids';
import { GatewayRefusalMetrics } from '@ops/infra/http';
import type { ChatCompletionRequest, UpstreamStream, UpstreamUsage } from '@ops/infra/llm-upstream';
import type { Response } from 'express';
import {
  COST_FIELD,
  generatedByAnswer,
  generatedByItem,
  type ClientWire,
  type Settled,
  type StreamItem,
} from './client-wire';
import type { AnthropicInbound, GatewayCaller, PlannedRequest, RequestPreferences } from './gateway-request';
import { RequestMetrics } from './request-metrics';
import { RequestPlanner } from './request-planner';
import { abortIfHoldLost, RequestSettlement, type Outcome } from './request-settlement';
import { routeHeaders } from './route-headers';
import { SseWriter } from './sse-writer';
import { planOrRefuse } from './unavailable-route';
import { ChainExhausted, UpstreamChain } from './upstream-chain';

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

/** A request as it reached the gateway, in OpenAI's shape and, from a Messages client, its own. */
export interface InboundRequest {
  body: ChatCompletionRequest;
  anthropic: AnthropicInbound | null;
}

/**
 * One chat completion from plan to ledger, whichever wire the client speaks (OpenAI's chat completions
 * or Anthropic's Messages, see ClientWire): plan and hold credits, walk the fallback chain, relay the
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
    private readonly settlement: RequestSettlement,
    private readonly refusals: GatewayRefusalMetrics,
    private readonly metrics: RequestMetrics,
    config: GatewayConfig,
  ) {
    this.streamMaxMs = config.LLM_STREAM_MAX_SECONDS * 1000;
  }

  async handle(
    caller: GatewayCaller,
    inbound: InboundRequest,
    preferences: RequestPreferences,
    context: CommandContext,
    response: Response,
    wire: ClientWire,
  ): Promise<void> {
    const { body, anthropic } = inbound;
    const requestId = timeOrderedId();
    const startedAt = performance.now();
    // On errors too, so a client can name the request the ledger recorded.
    response.setHeader('x-ops-request-id', requestId);
    const planned = await planOrRefuse(this.refusals, () =>
      this.planner.plan(requestId, startedAt, caller, body, preferences, context, anthropic),
    );
    const abort = new AbortController();
    abortIfHoldLost(planned, abort);
    // A stream stops when its reader leaves and is charged for what it produced. A plain answer is
    // not cut: the provider bills the whole generation, so the request runs on and pays its real cost.
    const onClose = () => {
      if (body.stream && !response.writableFinished) abort.abort();
    };
    response.on('close', onClose);
    try {
      if (body.stream) await this.stream(planned, abort.signal, response, wire);
      else await this.complete(planned, abort.signal, response, wire);
    } catch (error) {
      if (error instanceof ChainExhausted && !response.headersSent) {
        response.setHeader('x-ops-attempts', String(error.attempts.length));
      }
      throw await this.settlement.fail(planned, error);
    } finally {
      response.off('close', onClose);
    }
  }

  private async complete(
    planned: PlannedRequest,
    signal: AbortSignal,
    response: Response,
    wire: ClientWire,
  ): Promise<void> {
    const answered = await this.chain.complete(planned, signal);
    const answer = answered.result;
    const generated = generatedByAnswer(answer);
    const outcome: Outcome = {
      link: answered.link,
      attempts: answered.attempts,
      ...usageOf(answer.usage, planned, generated.text),
      finishReason: generated.finishReason,
      clientDisconnected: response.destroyed,
    };
    const chargedMicros = await this.settlement.finish(planned, outcome);
    response
      .status(200)
      .set({
        ...routeHeaders(planned, answered.link, answered.attempts.length),
        [COST_FIELD]: chargedMicros.toString(),
      })
      .json(wire.answerBody(answer, answered.link, { usage: outcome.usage, chargedMicros }));
  }

  /**
   * Relays a stream, cut at LLM_STREAM_MAX_SECONDS after the request began: the hold lives a little
   * longer (LLM_RESERVATION_TTL_SECONDS), so a slow upstream or a slow reader cannot outlive it. A cut
   * stream is charged for what it produced, like any other. The answer's last events wait for the
   * settlement, so they can say what was charged.
   */
  private async stream(
    planned: PlannedRequest,
    signal: AbortSignal,
    response: Response,
    wire: ClientWire,
  ): Promise<void> {
    const answered = await this.chain.stream(planned, signal);
    const upstream: UpstreamStream<StreamItem> = answered.result;
    try {
      // Not a byte to the client before its hold is stored (the call itself may start earlier).
      await planned.reservation?.stored;
    } catch (error) {
      upstream.close();
      throw error;
    }
    const writer = new SseWriter(response);
    const relay = wire.streamRelay(planned, answered.link);
    writer.open(routeHeaders(planned, answered.link, answered.attempts.length));
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
      for await (const item of upstream.chunks) {
        if (writer.closed || timedOut) break;
        const piece = generatedByItem(item);
        generated += piece.text;
        finishReason = piece.finishReason ?? finishReason;
        if (!firstTokenSeen && generated !== '') {
          firstTokenSeen = true;
          this.metrics.firstTokenAfter(
            answered.link.model.provider,
            (performance.now() - planned.startedAt) / 1000,
          );
        }
        await relay.relay(item, writer);
      }
    } catch (error) {
      failure = error;
    } finally {
      clearTimeout(deadline);
      upstream.close();
    }
    const clientDisconnected = signal.aborted || writer.closed;
    const outcome: Outcome = {
      link: answered.link,
      attempts: answered.attempts,
      ...usageOf(upstream.usage(), planned, generated),
      finishReason: timedOut ? 'time_limit' : failure && !clientDisconnected ? 'error' : finishReason,
      clientDisconnected,
    };
    const chargedMicros = await this.settlement.finish(planned, outcome);
    if (timedOut && !clientDisconnected) {
      await relay.fail(
        writer,
        'stream_time_limit',
        `The stream reached the gateway's time limit of ${this.streamMaxMs / 1000} seconds`,
      );
    } else if (failure && !clientDisconnected) {
      this.logger.warn({ requestId: planned.requestId, err: failure }, 'Upstream failed mid-stream');
      await relay.fail(writer, 'upstream_stream_error', 'The provider failed mid-stream');
    } else if (!clientDisconnected) {
      const settled: Settled = { usage: outcome.usage, chargedMicros };
      await relay.end(writer, settled);
    }
    writer.end();
  }
}
