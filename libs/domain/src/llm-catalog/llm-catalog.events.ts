import type { DomainEvent } from '../shared/decider';
import type { ModelLifecycle } from '../llm/catalog';

/** The terms of one catalog entry that a change may move; money in micro-USD per million tokens. */
export interface ModelTerms {
  inputMicrosPerMillion: string;
  outputMicrosPerMillion: string;
  /**
   * Prompt-cache rates (schema 2), null where the model has none. Absent in schema 1, which knew no
   * cache rates: such a change leaves a model's cache rates as they are.
   */
  cacheReadMicrosPerMillion?: string | null;
  cacheWriteMicrosPerMillion?: string | null;
  /**
   * Long-context rates (schema 3), null where the model has none; absent in earlier schemas, whose
   * changes leave them as they are.
   */
  inputMicrosPerMillionAbove200k?: string | null;
  outputMicrosPerMillionAbove200k?: string | null;
  contextLength: number;
  maxOutputTokens: number;
  lifecycle: ModelLifecycle;
  replacement: string | null;
}

/** One entry's terms before and after: what finance and auditors read a price change from. */
export interface ModelChange {
  provider: string;
  model: string;
  before: ModelTerms;
  after: ModelTerms;
}

/** Where a change came from: an imported price list (its location and digest), or an operator's edit. */
export interface CatalogChangeSource {
  format: 'litellm' | 'operator';
  /** The URL fetched (without query or credentials), or `inline` for a list sent in the request. */
  location: string | null;
  /** SHA-256 of the price list as received, so the exact file can be matched later. */
  sha256: string | null;
}

/**
 * The catalog changed: `version` is the catalog version from now on (the node's starting catalog is
 * version 0). Each request's completion names the version its prices came from.
 */
export type CatalogModelsChanged = DomainEvent<
  'CatalogModelsChanged',
  { version: number; source: CatalogChangeSource; changes: ModelChange[] }
>;

export type LlmCatalogEvent = CatalogModelsChanged;

export const LLM_CATALOG_SCHEMA_VERSIONS: Record<LlmCatalogEvent['type'], number> = {
  CatalogModelsChanged: 3,
};
