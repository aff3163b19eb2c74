import type { Catalog, ModelInfo } from '../llm/catalog';
import type { ModelChange, ModelTerms } from './llm-catalog.events';

export function termsOf(model: ModelInfo): ModelTerms {
  return {
    inputMicrosPerMillion: model.inputMicrosPerMillion.toString(),
    outputMicrosPerMillion: model.outputMicrosPerMillion.toString(),
    cacheReadMicrosPerMillion: model.cacheReadMicrosPerMillion?.toString() ?? null,
    cacheWriteMicrosPerMillion: model.cacheWriteMicrosPerMillion?.toString() ?? null,
    contextLength: model.contextLength,
    maxOutputTokens: model.maxOutputTokens,
    lifecycle: model.lifecycle,
    replacement: model.replacement,
  };
}

export function sameTerms(a: ModelTerms, b: ModelTerms): boolean {
  return (Object.keys(a) as (keyof ModelTerms)[]).every((key) => a[key] === b[key]);
}

/**
 * The catalog after a change: each named entry takes its new terms. An entry the catalog no longer
 * has (the node started with another catalog file) is passed over; its change stays in the log.
 */
export function applyCatalogChanges(catalog: Catalog, changes: readonly ModelChange[]): Catalog {
  const byKey = new Map(changes.map((change) => [`${change.provider}/${change.model}`, change.after]));
  return catalog.map((model) => {
    const after = byKey.get(`${model.provider}/${model.id}`);
    if (!after) return model;
    return {
      ...model,
      inputMicrosPerMillion: BigInt(after.inputMicrosPerMillion),
      outputMicrosPerMillion: BigInt(after.outputMicrosPerMillion),
      cacheReadMicrosPerMillion: cacheRate(after.cacheReadMicrosPerMillion, model.cacheReadMicrosPerMillion),
      cacheWriteMicrosPerMillion: cacheRate(
        after.cacheWriteMicrosPerMillion,
        model.cacheWriteMicrosPerMillion,
      ),
      contextLength: after.contextLength,
      maxOutputTokens: after.maxOutputTokens,
      lifecycle: after.lifecycle,
      replacement: after.replacement,
    };
  });
}

/** A cache rate after a change: a schema-1 change does not state one, and leaves the model's as it was. */
function cacheRate(after: string | null | undefined, current: bigint | undefined): bigint | undefined {
  if (after === undefined) return current;
  return after === null ? undefined : BigInt(after);
}
