import { DomainError } from '../shared/domain-error';
import type { Micros } from '../shared/micros';
import type { ModelInfo } from './catalog';

type Priced = Pick<
  ModelInfo,
  | 'inputMicrosPerMillion'
  | 'outputMicrosPerMillion'
  | 'cacheReadMicrosPerMillion'
  | 'cacheWriteMicrosPerMillion'
  | 'inputMicrosPerMillionAbove200k'
  | 'outputMicrosPerMillionAbove200k'
  | 'webSearchMicrosPerRequest'
>;

/** The part of a request's input tokens the provider read from, or wrote to, its prompt cache. */
export interface CacheTokens {
  readonly readTokens: number;
  /** Every token written to the cache, whatever its lifetime. */
  readonly writeTokens: number;
  /** The part of `writeTokens` written for one hour (Anthropic's `ephemeral_1h_input_tokens`). */
  readonly oneHourWriteTokens?: number;
}

export const NO_CACHE_TOKENS: CacheTokens = { readTokens: 0, writeTokens: 0 };

/** What a request used besides tokens: server-side tools the provider bills per use. */
export interface ToolUse {
  readonly webSearchRequests: number;
}

export const NO_TOOL_USE: ToolUse = { webSearchRequests: 0 };

/**
 * Above this many input tokens (cached ones included) the whole request is priced at the model's
 * long-context rates, where it has them: Anthropic's rule for its 1M-context models, and the threshold
 * LiteLLM's `*_above_200k_tokens` prices name.
 */
export const LONG_CONTEXT_THRESHOLD_TOKENS = 200_000;

/** Anthropic's one-hour cache writes cost twice the input price (five-minute ones use the write rate). */
const ONE_HOUR_WRITE_MULTIPLIER = 2n;

type Sized = Pick<ModelInfo, 'contextLength' | 'maxOutputTokens'>;

const TOKENS_PER_MILLION = 1_000_000n;

/**
 * What a request costs at the model's list price, rounded up to a whole micro-USD so nothing is given
 * away. `inputTokens` counts every input token, cached ones included; those of `cache` are priced at the
 * model's cache rates, the rest at its input price. Past the long-context threshold every token is
 * priced at the long-context rates, the cache rates scaled by the same factor as the input price (the
 * multipliers stack). Each web search costs the model's per-search price.
 */
export function costMicros(
  model: Priced,
  inputTokens: number,
  outputTokens: number,
  cache: CacheTokens = NO_CACHE_TOKENS,
  tools: ToolUse = NO_TOOL_USE,
): Micros {
  const read = tokenCount(cache.readTokens, 'cache_read_tokens');
  const written = tokenCount(cache.writeTokens, 'cache_write_tokens');
  const oneHour = tokenCount(cache.oneHourWriteTokens ?? 0, 'cache_write_1h_tokens');
  if (oneHour > written) {
    throw new DomainError(
      'invalid',
      'one-hour cache writes must be part of cache_write_tokens',
      'cache_write_1h_tokens',
    );
  }
  const input = tokenCount(inputTokens, 'input_tokens');
  const uncached = input - read - written;
  if (uncached < 0) {
    throw new DomainError('invalid', 'cached tokens must be part of input_tokens', 'input_tokens');
  }
  const base = model.inputMicrosPerMillion;
  const inputSide =
    BigInt(uncached) * base +
    BigInt(read) * (model.cacheReadMicrosPerMillion ?? base) +
    BigInt(written - oneHour) * (model.cacheWriteMicrosPerMillion ?? base) +
    // A provider without a write premium (no write rate) bills a one-hour write as any input token.
    BigInt(oneHour) *
      (model.cacheWriteMicrosPerMillion === undefined ? base : base * ONE_HOUR_WRITE_MULTIPLIER);
  const output = BigInt(tokenCount(outputTokens, 'output_tokens'));
  const searches = BigInt(tokenCount(tools.webSearchRequests, 'web_search_requests'));
  const searchCost = searches * (model.webSearchMicrosPerRequest ?? 0n);
  const longInput = model.inputMicrosPerMillionAbove200k;
  if (input > LONG_CONTEXT_THRESHOLD_TOKENS && longInput !== undefined && base > 0n) {
    // inputSide × longInput / base, kept exact by pricing everything over the common denominator.
    const longOutput = model.outputMicrosPerMillionAbove200k ?? model.outputMicrosPerMillion;
    const denominator = TOKENS_PER_MILLION * base;
    const scaled = inputSide * longInput + output * longOutput * base;
    return (scaled + denominator - 1n) / denominator + searchCost;
  }
  const scaled = inputSide + output * model.outputMicrosPerMillion;
  return (scaled + TOKENS_PER_MILLION - 1n) / TOKENS_PER_MILLION + searchCost;
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

/**
 * Whether a request asks the provider to write its prompt to the cache, and for how long at most:
 * such a write costs more than the input price, so the hold must count the prompt at the write rate.
 */
export type PromptCaching = 'none' | '5m' | '1h';

/** A cache breakpoint (Anthropic's `cache_control`): the prefix up to it is cached, for `ttl`. */
interface CacheMark {
  readonly ttl?: string | null;
}

/**
 * The parts of a Messages request where a cache breakpoint may stand: the request itself, its system
 * blocks, its messages' content blocks and its tools. Blocks of kinds that take none (thinking) are
 * passed as they are.
 */
export interface CacheMarkedRequest {
  readonly cache_control?: CacheMark | null;
  readonly system?: string | readonly object[] | null;
  readonly messages: readonly { readonly content: string | readonly object[] }[];
  readonly tools?: readonly object[] | null;
}

function cacheMarkOf(part: object): CacheMark | null {
  const mark = (part as { cache_control?: unknown }).cache_control;
  return typeof mark === 'object' && mark !== null ? (mark as CacheMark) : null;
}

/**
 * The dearest cache write a request may cause: a one-hour breakpoint anywhere makes it `1h`, any
 * other breakpoint `5m`. A request without one (or with no Messages body) writes nothing.
 */
export function promptCachingOf(request: CacheMarkedRequest | null | undefined): PromptCaching {
  if (!request) return 'none';
  const parts: object[] = [request];
  if (Array.isArray(request.system)) parts.push(...(request.system as readonly object[]));
  for (const message of request.messages) {
    if (Array.isArray(message.content)) parts.push(...(message.content as readonly object[]));
  }
  parts.push(...(request.tools ?? []));
  const marks = parts.map(cacheMarkOf).filter((mark) => mark !== null);
  if (marks.some((mark) => mark.ttl === '1h')) return '1h';
  return marks.length > 0 ? '5m' : 'none';
}

/**
 * The credits to reserve before the call: the whole prompt and the whole output budget. A prompt marked
 * for caching is counted as written to the cache in full, at the dearest write lifetime it asks for.
 */
export function worstCaseCostMicros(
  model: Priced & Sized,
  promptTokensEstimate: number,
  maxTokens: number | null,
  caching: PromptCaching = 'none',
): Micros {
  const cache: CacheTokens =
    caching === 'none'
      ? NO_CACHE_TOKENS
      : {
          readTokens: 0,
          writeTokens: promptTokensEstimate,
          oneHourWriteTokens: caching === '1h' ? promptTokensEstimate : 0,
        };
  const output = outputTokenBudget(model, promptTokensEstimate, maxTokens);
  return costMicros(model, promptTokensEstimate, output, cache);
}

function tokenCount(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new DomainError('invalid', `${field} must be a non-negative integer`, field);
  }
  return value;
}

/** A draft's prices for one model: input and output, and optionally its own cache rates. */
export interface DraftPrices {
  readonly inputMicrosPerMillion: bigint;
  readonly outputMicrosPerMillion: bigint;
  readonly cacheReadMicrosPerMillion?: bigint;
  readonly cacheWriteMicrosPerMillion?: bigint;
}

/**
 * The model as a draft would price it. The rates the draft leaves out keep the catalog's ratio to its
 * prices (a cache read at a tenth of the input stays a tenth of the draft's input; long-context rates
 * follow theirs), rounded up; the per-search price is not a token price and stays the catalog's.
 * Without a catalog entry, only what the draft says applies.
 */
export function draftModel(catalog: Priced | undefined, draft: DraftPrices): Priced {
  const scaled = (rate: bigint | undefined, from: bigint, to: bigint): bigint | undefined =>
    rate === undefined || from === 0n ? undefined : (rate * to + from - 1n) / from;
  const input = catalog?.inputMicrosPerMillion ?? 0n;
  const output = catalog?.outputMicrosPerMillion ?? 0n;
  const rates: Priced = {
    inputMicrosPerMillion: draft.inputMicrosPerMillion,
    outputMicrosPerMillion: draft.outputMicrosPerMillion,
    cacheReadMicrosPerMillion:
      draft.cacheReadMicrosPerMillion ??
      scaled(catalog?.cacheReadMicrosPerMillion, input, draft.inputMicrosPerMillion),
    cacheWriteMicrosPerMillion:
      draft.cacheWriteMicrosPerMillion ??
      scaled(catalog?.cacheWriteMicrosPerMillion, input, draft.inputMicrosPerMillion),
    inputMicrosPerMillionAbove200k: scaled(
      catalog?.inputMicrosPerMillionAbove200k,
      input,
      draft.inputMicrosPerMillion,
    ),
    outputMicrosPerMillionAbove200k: scaled(
      catalog?.outputMicrosPerMillionAbove200k,
      output,
      draft.outputMicrosPerMillion,
    ),
    webSearchMicrosPerRequest: catalog?.webSearchMicrosPerRequest,
  };
  return Object.fromEntries(Object.entries(rates).filter(([, rate]) => rate !== undefined)) as Priced;
}
