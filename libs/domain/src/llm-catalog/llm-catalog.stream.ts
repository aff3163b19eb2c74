/** The gateway's catalog changes: one stream, so every change has one place in one order. */
export const LLM_CATALOG_CATEGORY = 'llm-catalog-';

export const LLM_CATALOG_STREAM = `${LLM_CATALOG_CATEGORY}gateway`;
