import { Injectable } from '@nestjs/common';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { timeOrderedId } from '@ops/infra/event-sourcing/event-ids';
import { GatewayRefusalMetrics } from '@ops/infra/http';
import {
  encodeEmbeddingBase64,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
} from '@ops/infra/llm-upstream';
import type { Response } from 'express';
import type { GatewayCaller, RequestPreferences } from './gateway-request';
import { RequestPlanner } from './request-planner';
import { abortIfHoldLost, RequestSettlement } from './request-settlement';
import { routeHeaders } from './route-headers';
import { planOrRefuse } from './unavailable-route';
import { UpstreamChain } from './upstream-chain';

/**
 * One embeddings request through the gateway's one pipeline: planned (named embedding models only),
 * held, sent down the fallback chain, then settled and recorded like a chat completion. The client
 * gets the vectors in the encoding it asked for, whatever the provider sent.
 */
@Injectable()
export class EmbeddingsService {
  constructor(
    private readonly planner: RequestPlanner,
    private readonly chain: UpstreamChain,
    private readonly settlement: RequestSettlement,
    private readonly refusals: GatewayRefusalMetrics,
  ) {}

  async handle(
    caller: GatewayCaller,
    body: EmbeddingsRequest,
    preferences: RequestPreferences,
    context: CommandContext,
    response: Response,
  ): Promise<void> {
    const requestId = timeOrderedId();
    const startedAt = performance.now();
    response.setHeader('x-ops-request-id', requestId);
    const planned = await planOrRefuse(this.refusals, () =>
      this.planner.planEmbeddings(requestId, startedAt, caller, body, preferences, context),
    );
    // The provider bills a batch it started whether or not the client waits, so nothing is cut short,
    // unless the hold turns out not to be stored: then no answer can be given at all.
    const abort = new AbortController();
    abortIfHoldLost(planned, abort);
    const signal = abort.signal;
    try {
      const answered = await this.chain.embed(planned, signal);
      const { body: upstream, usage } = answered.result;
      const charged = await this.settlement.finish(
        planned,
        {
          link: answered.link,
          attempts: answered.attempts,
          usage: usage ?? { inputTokens: planned.promptTokens, outputTokens: 0 },
          usageEstimated: usage === null,
          finishReason: null,
          clientDisconnected: response.destroyed,
        },
        'embeddings',
      );
      const inputTokens = usage?.inputTokens ?? planned.promptTokens;
      response
        .status(200)
        .set({
          ...routeHeaders(planned, answered.link, answered.attempts.length),
          'x-ops-cost-micros': charged.toString(),
        })
        .json(answerOf(upstream, answered.link.model.id, body.encoding_format ?? 'float', inputTokens));
    } catch (error) {
      throw await this.settlement.fail(planned, error);
    }
  }
}

/** OpenAI's answer: the vectors in the client's encoding, in input order, with the tokens billed. */
function answerOf(
  upstream: EmbeddingsResponse,
  model: string,
  encoding: 'float' | 'base64',
  inputTokens: number,
): EmbeddingsResponse {
  const data = [...upstream.data]
    .sort((a, b) => a.index - b.index)
    .map((item) => ({
      object: 'embedding' as const,
      index: item.index,
      embedding: encoding === 'base64' ? encodeEmbeddingBase64(item.embedding as number[]) : item.embedding,
    }));
  return {
    object: 'list',
    data,
    model,
    usage: { prompt_tokens: inputTokens, total_tokens: inputTokens },
  };
}
