import { Inject, Injectable } from '@nestjs/common';
import type { Micros, UpstreamAttempt } from '@ops/domain';
import type { UpstreamUsage } from '@ops/infra/llm-upstream';
import { Counter, Histogram, Registry } from 'prom-client';
import type { ChainLink } from './gateway-request';

/** From a quick answer of a small model to a long generation cut at the stream limit. */
const DURATION_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const FIRST_TOKEN_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

/** Where a request ended: the link that answered, or the last one tried. */
type Endpoint = Pick<UpstreamAttempt, 'provider' | 'model'>;

/**
 * Routed requests as Prometheus series: by provider, model and status, their tokens, cost and timings,
 * and each step down the fallback chain. Every label comes from the catalog or from the gateway's own
 * statuses, never from the request: a model a client makes up is refused before routing (and counted
 * with the refusals), so it can never become a label.
 */
@Injectable()
export class RequestMetrics {
  private readonly requests: Counter<'provider' | 'model' | 'status'>;
  private readonly tokens: Counter<'provider' | 'model' | 'type'>;
  private readonly cost: Counter<'provider' | 'model'>;
  private readonly duration: Histogram<'provider'>;
  private readonly firstToken: Histogram<'provider'>;
  private readonly fallbacks: Counter<'from' | 'to'>;

  constructor(@Inject(Registry) registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({
      name: 'llm_gateway_requests_total',
      help: 'Routed LLM gateway requests by the provider and model that answered (or were tried last) and HTTP status',
      labelNames: ['provider', 'model', 'status'],
      registers,
    });
    this.tokens = new Counter({
      name: 'llm_gateway_tokens_total',
      help: 'Tokens of answered requests as the provider reported them (estimated when it reported none), by type: prompt or completion',
      labelNames: ['provider', 'model', 'type'],
      registers,
    });
    this.cost = new Counter({
      name: 'llm_gateway_cost_micros_total',
      help: 'Micro-USD of credits charged for answered requests (nothing for a BYOK key)',
      labelNames: ['provider', 'model'],
      registers,
    });
    this.duration = new Histogram({
      name: 'llm_gateway_request_duration_seconds',
      help: 'Answered requests from arrival to the last byte, fallbacks included, by the provider that answered',
      labelNames: ['provider'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.firstToken = new Histogram({
      name: 'llm_gateway_time_to_first_token_seconds',
      help: 'Streamed requests from arrival to the first generated token, by the provider that answered',
      labelNames: ['provider'],
      buckets: FIRST_TOKEN_BUCKETS,
      registers,
    });
    this.fallbacks = new Counter({
      name: 'llm_gateway_fallbacks_total',
      help: 'Steps down the fallback chain after a failed attempt, from the failed provider to the next one tried',
      labelNames: ['from', 'to'],
      registers,
    });
  }

  answered(
    link: ChainLink,
    attempts: readonly UpstreamAttempt[],
    usage: UpstreamUsage,
    chargedMicros: Micros,
    seconds: number,
  ): void {
    const labels = { provider: link.model.provider, model: link.model.id };
    this.requests.inc({ ...labels, status: '200' });
    this.tokens.inc({ ...labels, type: 'prompt' }, usage.inputTokens);
    this.tokens.inc({ ...labels, type: 'completion' }, usage.outputTokens);
    this.cost.inc(labels, Number(chargedMicros));
    this.duration.observe({ provider: link.model.provider }, seconds);
    this.countFallbacks(attempts);
  }

  failed(last: Endpoint, attempts: readonly UpstreamAttempt[], status: number): void {
    this.requests.inc({ provider: last.provider, model: last.model, status: String(status) });
    this.countFallbacks(attempts);
  }

  firstTokenAfter(provider: string, seconds: number): void {
    this.firstToken.observe({ provider }, seconds);
  }

  private countFallbacks(attempts: readonly UpstreamAttempt[]): void {
    for (let index = 1; index < attempts.length; index++) {
      this.fallbacks.inc({ from: attempts[index - 1].provider, to: attempts[index].provider });
    }
  }
}
