import { aggregate } from '../shared/aggregate';
import { llmCatalogDecider } from './llm-catalog.decider';
import { LLM_CATALOG_SCHEMA_VERSIONS } from './llm-catalog.events';
import { LLM_CATALOG_STREAM } from './llm-catalog.stream';

/** The gateway's model catalog: one stream of versioned changes. */
export const llmCatalog = aggregate(() => LLM_CATALOG_STREAM, llmCatalogDecider, LLM_CATALOG_SCHEMA_VERSIONS);
