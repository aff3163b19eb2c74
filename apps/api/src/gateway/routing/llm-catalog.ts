import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_CATALOG, parseCatalog, type Catalog } from '@ops/domain';
import { APP_CONFIG } from '@ops/infra/config/config.module';
import type { AppConfig } from '@ops/infra/config/app-config';
import { readFileSync } from 'node:fs';

/** The catalog as it stands, and its version: 0 as the node started, one more for each catalog change. */
export interface CatalogSnapshot {
  readonly version: number;
  readonly models: Catalog;
}

/**
 * The models the gateway routes to: the catalog shipped with the product, or `LLM_CATALOG_FILE`.
 * A broken file stops the start with the catalog's own error instead of routing on a guess.
 */
@Injectable()
export class LlmCatalog {
  private snapshot: CatalogSnapshot;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.snapshot = {
      version: 0,
      models: config.LLM_CATALOG_FILE
        ? parseCatalog(readFileSync(config.LLM_CATALOG_FILE, 'utf8'))
        : DEFAULT_CATALOG,
    };
  }

  current(): CatalogSnapshot {
    return this.snapshot;
  }

  get models(): Catalog {
    return this.snapshot.models;
  }
}
