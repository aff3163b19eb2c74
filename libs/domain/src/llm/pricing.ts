import { DomainError } from '../shared/domain-error';
import type { Micros } from '../shared/micros';
import type { ModelInfo } from './catalog';

type Priced = Pick<
  ModelInfo,
  | 'inputMicrosPerMillion'
  | 'outputMicrosPerMillion'
  | 'cacheReadMicrosPerMillion'
  | 'cacheWriteMicrosPerMillion'
>;

/** The part of a request's input tokens the provider read from, or wrote to, its prompt cache. */
export interface CacheTokens {
  readonly readTokens: number;
  readonly writeTokens: number;
}

export const NO_CACHE_TOKENS: CacheTokens = { readTokens: 0, writeTokens: 0 };
type Sized = Pick<ModelInfo, 'contextLength' | 'maxOutputTokens'>;

const TOKENS_PER_MILLION = 1_000_000n;

/**
 * What tokens cost at the model's list price, rounded up to a whole micro-USD so nothing is given away.
 * `inputTokens` counts every input token, cached ones included; those of `cache` are priced at the
 * model's cache rates, the rest at its input price.
 */
export function costMicros(
  model: Priced,
  inputTokens: number,
  outputTokens: number,
  cache: CacheTokens = NO_CACHE_TOKENS,
): Micros {
  const read = tokenCount(cache.readTokens, 'cache_read_tokens');
  const written = tokenCount(cache.writeTokens, 'cache_write_tokens');
  const uncached = tokenCount(inputTokens, 'input_tokens') - read - written;
  if (uncached < 0) {
    throw new DomainError('invalid', 'cached tokens must be part of input_tokens', 'input_tokens');
  }
  const scaled =
    BigInt(uncached) * model.inputMicrosPerMillion +
    BigInt(read) * (model.cacheReadMicrosPerMillion ?? model.inputMicrosPerMillion) +
    BigInt(written) * (model.cacheWriteMicrosPerMillion ?? model.inputMicrosPerMillion) +
    BigInt(tokenCount(outputTokens, 'output_tokens')) * model.outputMicrosPerMillion;
  return (scaled + TOKENS_PER_MILLION - 1n) / TOKENS_PER_MILLION;
}

/**
 * The most output a request can produce on this model: what the client asked for, capped by the model's
 * own limit and by the room the prompt leaves in the context window. The gateway sends this as
 * max_tokens upstream so the reservation below is a true bound.
 */
export function outputTokenBudget(model: Sized, promptTokens: number, maxTokens: number | null): number {
  const room = model.contextLength - tokenCount(promptTokens, 'prompt_tokens');
  return Math.max(0, Math.min(maxTokens ?? model.maxOutputTokens, model.maxOutputTokens, room));
}

/** The credits to reserve before the call: the whole prompt and the whole output budget. */
export function worstCaseCostMicros(
  model: Priced & Sized,
  promptTokensEstimate: number,
  maxTokens: number | null,
): Micros {
  return costMicros(model, promptTokensEstimate, outputTokenBudget(model, promptTokensEstimate, maxTokens));
}

function tokenCount(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new DomainError('invalid', `${field} must be a non-negative integer`, field);
  }
  return value;
}
