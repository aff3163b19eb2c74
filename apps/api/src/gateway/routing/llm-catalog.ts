import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_CATALOG, parseCatalog, type Catalog } from '@ops/domain';
import { APP_CONFIG } from '@ops/infra/config/config.module';
import type { AppConfig } from '@ops/infra/config/app-config';
import { readFileSync } from 'node:fs';

/**
 * The models the gateway routes to: the catalog shipped with the product, or `LLM_CATALOG_FILE`.
 * A broken file stops the start with the catalog's own error instead of routing on a guess.
 */
@Injectable()
export class LlmCatalog {
  readonly models: Catalog;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.models = config.LLM_CATALOG_FILE
      ? parseCatalog(readFileSync(config.LLM_CATALOG_FILE, 'utf8'))
      : DEFAULT_CATALOG;
  }
}
