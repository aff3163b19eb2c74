import { Inject, Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { describeOpenAiError } from '../openai-errors';

/**
 * Requests the LLM gateway refused before routing them (bad input, no credits, a model the tier may
 * not use, a rate limit, no provider), by status and OpenAI error code. They are counted rather than
 * recorded as events: nothing happened to any account, and a flood of them must not grow the log.
 * The codes come from the gateway's own errors, never from the request, so the labels stay few.
 */
@Injectable()
export class GatewayRefusalMetrics {
  private readonly refusals: Counter<'status' | 'reason'>;

  constructor(@Inject(Registry) registry: Registry) {
    this.refusals = new Counter({
      name: 'llm_gateway_refusals_total',
      help: 'LLM gateway requests refused before routing, by status and OpenAI error code',
      labelNames: ['status', 'reason'],
      registers: [registry],
    });
  }

  refused(error: unknown): void {
    const { problem, body } = describeOpenAiError(error);
    this.refusals.inc({ status: String(problem.status), reason: body.code ?? body.type });
  }
}
