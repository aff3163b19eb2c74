import { Logger } from '@nestjs/common';
import { llmRequestStream, type RequestCompleted } from '@ops/domain';
import type { EventStore, RecordedEvent } from '@ops/infra/event-store/event-store';
import type { Projection } from '@ops/infra/projections/projection';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { LagoApi } from '../../../apps/projector/src/lago/lago-api';
import { TransientRetry } from '../../../apps/projector/src/lago/retry';

export interface CompletedRequest {
  requestId: string;
  userId: string;
  model?: string;
  costMicros?: string;
  occurredAt?: string;
}

/** Appends a finished request's RequestCompleted, as the gateway would. */
export async function appendCompleted(store: EventStore, request: CompletedRequest): Promise<void> {
  const data: RequestCompleted['data'] = {
    requestId: request.requestId,
    userId: request.userId,
    provider: 'groq',
    model: request.model ?? 'llama-3.1-8b-instant',
    byok: false,
    tier: 'pro',
    inputTokens: 120,
    outputTokens: 30,
    costMicros: request.costMicros ?? '1500',
    listCostMicros: request.costMicros ?? '1500',
    latencyMs: 80,
    attempts: [],
    streamed: false,
    finishReason: 'stop',
    clientDisconnected: false,
    usageEstimated: false,
  };
  await store.append(
    llmRequestStream(request.requestId),
    [
      {
        id: randomUUID(),
        type: 'RequestCompleted',
        schemaVersion: 1,
        data,
        metadata: {
          actor: request.userId,
          correlationId: randomUUID(),
          causationId: null,
          occurredAt: request.occurredAt ?? new Date().toISOString(),
          source: 'gateway',
        },
      },
    ],
    'any',
  );
}

/** Quick retries, so a 429/5xx period passes in milliseconds. */
export function quickRetry(signal: AbortSignal): TransientRetry {
  const logger = new Logger('lago-test');
  logger.warn = () => undefined;
  return new TransientRetry({ baseMs: 5, maxMs: 40 }, signal, logger);
}

export function lagoApiFor(apiUrl: string, apiKey: string): LagoApi {
  return new LagoApi(apiUrl, apiKey, 2_000);
}

/**
 * The sync as it runs, except that its first `crashes` batches fail after it talked to Lago and
 * wrote its rows: the transaction rolls back, as when the process dies before the commit.
 */
export class CrashAfterApply implements Projection {
  readonly name: string;
  readonly filter: Projection['filter'];

  constructor(
    private readonly inner: Projection,
    public crashes: number,
  ) {
    this.name = inner.name;
    this.filter = inner.filter;
  }

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    await this.inner.apply(events, tx);
    if (this.crashes > 0) {
      this.crashes -= 1;
      throw new Error('simulated crash between Lago and the commit');
    }
  }

  reset(tx: EntityManager): Promise<void> {
    return this.inner.reset(tx);
  }
}
