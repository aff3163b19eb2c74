import type { Catalog, ModelInfo } from '../llm/catalog';
import type { ModelChange, ModelTerms } from './llm-catalog.events';

export function termsOf(model: ModelInfo): ModelTerms {
  return {
    inputMicrosPerMillion: model.inputMicrosPerMillion.toString(),
    outputMicrosPerMillion: model.outputMicrosPerMillion.toString(),
    cacheReadMicrosPerMillion: model.cacheReadMicrosPerMillion?.toString() ?? null,
    cacheWriteMicrosPerMillion: model.cacheWriteMicrosPerMillion?.toString() ?? null,
    inputMicrosPerMillionAbove200k: model.inputMicrosPerMillionAbove200k?.toString() ?? null,
    outputMicrosPerMillionAbove200k: model.outputMicrosPerMillionAbove200k?.toString() ?? null,
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
      cacheReadMicrosPerMillion: optionalRate(
        after.cacheReadMicrosPerMillion,
        model.cacheReadMicrosPerMillion,
      ),
      cacheWriteMicrosPerMillion: optionalRate(
        after.cacheWriteMicrosPerMillion,
        model.cacheWriteMicrosPerMillion,
      ),
      inputMicrosPerMillionAbove200k: optionalRate(
        after.inputMicrosPerMillionAbove200k,
        model.inputMicrosPerMillionAbove200k,
      ),
      outputMicrosPerMillionAbove200k: optionalRate(
        after.outputMicrosPerMillionAbove200k,
        model.outputMicrosPerMillionAbove200k,
      ),
      contextLength: after.contextLength,
      maxOutputTokens: after.maxOutputTokens,
      lifecycle: after.lifecycle,
      replacement: after.replacement,
    };
  });
}

/**
 * An optional rate after a change: a change from a schema that did not know the rate does not state
 * it, and leaves the model's as it was.
 */
function optionalRate(after: string | null | undefined, current: bigint | undefined): bigint | undefined {
  if (after === undefined) return current;
  return after === null ? undefined : BigInt(after);
}
