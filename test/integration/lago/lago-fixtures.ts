import { Logger } from '@nestjs/common';
import { llmRequestStream, type RequestCompleted } from '@ops/domain';
import type { EventStore, RecordedEvent } from '@ops/infra/event-store/event-store';
import type { Projection } from '@ops/infra/projections/projection';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { openDatabase } from '@ops/infra/database/data-source';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import { PostgresEventStore } from '@ops/infra/event-store/postgres';
import { ProjectorService } from '../../../apps/projector/src/runtime/projector.service';
import { startFakeLago, type FakeLago } from '../../support/fake-lago';
import { createTestDatabase } from '../../support/postgres';
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

/** A fresh database, event store and Lago stand-in per test, and the projectors it started. */
export interface LagoTestBed {
  db: DataSource;
  store: PostgresEventStore;
  runner: CommandRunner;
  lago: FakeLago;
  /** Starts a projector feeding `projection`, stopped by `close`. */
  run(projection: Projection): ProjectorService;
  /** Stops one of them before the others, as a process that dies. */
  stop(projector: ProjectorService): Promise<void>;
  close(): Promise<void>;
}

export async function openLagoTestBed(): Promise<LagoTestBed> {
  const database = await createTestDatabase();
  const db = await openDatabase(database.url);
  const store = new PostgresEventStore(database.url);
  const lago = await startFakeLago();
  const projectors: ProjectorService[] = [];
  return {
    db,
    store,
    runner: new CommandRunner(store),
    lago,
    run: (projection) => {
      const projector = new ProjectorService(store, db, [projection], { batchSize: 10, retryDelayMs: 20 });
      projectors.push(projector);
      projector.start();
      return projector;
    },
    stop: async (projector) => {
      projectors.splice(projectors.indexOf(projector), 1);
      await projector.onApplicationShutdown();
    },
    close: async () => {
      await Promise.all(projectors.splice(0).map((projector) => projector.onApplicationShutdown()));
      await lago.close();
      await store.close();
      await db.destroy();
      await database.drop();
    },
  };
}
