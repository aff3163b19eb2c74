import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  applyCatalogChanges,
  DEFAULT_CATALOG,
  LLM_CATALOG_STREAM,
  parseCatalog,
  type Catalog,
  type CatalogModelsChanged,
} from '@ops/domain';
import { GatewayConfig } from '@ops/infra/config/features/gateway-config';
import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
  type Subscription,
} from '@ops/infra/event-store/event-store';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** The catalog as it stands, and its version: 0 as the node started, one more for each catalog change. */
export interface CatalogSnapshot {
  readonly version: number;
  readonly models: Catalog;
}

const CATCH_UP_POLL_MS = 20;

/**
 * The models the gateway routes to: the catalog shipped with the product, or `LLM_CATALOG_FILE`, with
 * every catalog change of the log applied in order. It reads the catalog stream before the node
 * serves and follows the log after, so a price import reaches every replica without a restart. A
 * broken file stops the start with the catalog's own error instead of routing on a guess.
 */
@Injectable()
export class LlmCatalog implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LlmCatalog.name);
  private snapshot: CatalogSnapshot;
  private subscription: Subscription | null = null;

  constructor(
    config: GatewayConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {
    this.snapshot = {
      version: 0,
      models: config.LLM_CATALOG_FILE
        ? parseCatalog(readFileSync(config.LLM_CATALOG_FILE, 'utf8'))
        : DEFAULT_CATALOG,
    };
  }

  async onModuleInit(): Promise<void> {
    const history = await this.store.readStream(LLM_CATALOG_STREAM);
    history.forEach((event) => this.apply(event));
    this.subscription = this.store.subscribeAll(
      { from: history.at(-1)?.position, filter: { streamPrefixes: [LLM_CATALOG_STREAM] } },
      async (events) => events.forEach((event) => this.apply(event)),
    );
    this.subscription.done.catch((error: unknown) =>
      this.logger.error({ err: error }, 'The catalog stopped following the log; restart the node'),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.stop();
  }

  current(): CatalogSnapshot {
    return this.snapshot;
  }

  get models(): Catalog {
    return this.snapshot.models;
  }

  /** Waits (bounded) until this replica routes on `version` or later; false when it has not yet. */
  async reached(version: number, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.snapshot.version < version) {
      if (performance.now() >= deadline) return false;
      await sleep(CATCH_UP_POLL_MS);
    }
    return true;
  }

  private apply(event: RecordedEvent): void {
    if (event.type !== 'CatalogModelsChanged') return;
    const { version, changes } = event.data as CatalogModelsChanged['data'];
    if (version <= this.snapshot.version) return;
    this.snapshot = { version, models: applyCatalogChanges(this.snapshot.models, changes) };
  }
}
