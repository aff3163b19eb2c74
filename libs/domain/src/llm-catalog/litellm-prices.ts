import { DomainError } from '../shared/domain-error';
import type { Catalog, ModelInfo, ModelKind } from '../llm/catalog';
import type { ProviderId } from '../llm/providers';
import { sameTerms, termsOf } from './catalog-changes';
import type { ModelChange, ModelTerms } from './llm-catalog.events';

/*
 * LiteLLM's model_prices_and_context_window.json: an object keyed by model name, each entry with
 * `litellm_provider`, `mode` (chat, completion, embedding, …), `input_cost_per_token` and
 * `output_cost_per_token` in USD, `max_input_tokens`, `max_output_tokens` and an optional
 * `deprecation_date` (YYYY-MM-DD), and the prompt-cache rates `cache_read_input_token_cost` and
 * `cache_creation_input_token_cost` where the provider has them, and the long-context rates
 * `input_cost_per_token_above_200k_tokens` and `output_cost_per_token_above_200k_tokens`. Keys of providers other than OpenAI and Anthropic usually carry the
 * provider as a prefix (`together_ai/…`). Its first entry, `sample_spec`, documents the fields.
 */

/** LiteLLM's provider names for the providers this gateway speaks to. */
const PROVIDERS: Readonly<Record<string, ProviderId>> = {
  openai: 'openai',
  'text-completion-openai': 'openai',
  anthropic: 'anthropic',
  groq: 'groq',
  together_ai: 'together',
  fireworks_ai: 'fireworks',
  'fireworks_ai-embedding-models': 'fireworks',
  deepinfra: 'deepinfra',
  openrouter: 'openrouter',
  huggingface: 'huggingface',
  ollama: 'ollama',
  hosted_vllm: 'vllm',
  vllm: 'vllm',
};

const MODES: Readonly<Record<string, ModelKind>> = {
  chat: 'chat',
  completion: 'chat',
  responses: 'chat',
  embedding: 'embedding',
};

/** The most entries one list may hold: LiteLLM's own file has a few thousand. */
const MAX_ENTRIES = 50_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface PriceImportRejection {
  key: string;
  problem: string;
}

/** What a price list would change in the catalog, and what of it could not be used, said out loud. */
export interface PriceImportDiff {
  changes: ModelChange[];
  /** Entries that matched a catalog model and change nothing. */
  unchanged: number;
  /** Entries of known providers that match no catalog model, counted per provider. */
  unmatched: Partial<Record<ProviderId, number>>;
  /** Entries of providers this gateway does not speak to, counted per LiteLLM provider name. */
  unknownProviders: Record<string, number>;
  /** Entries for catalog models whose values cannot be used: the import refuses while there are any. */
  rejected: PriceImportRejection[];
}

/**
 * Compares a LiteLLM price list with the catalog. Only entries naming a catalog model change it (a
 * list knows no tier, power level or quality, so it cannot add a model safely); every other entry is
 * counted, by provider, so nothing is dropped silently. `today` (YYYY-MM-DD) decides whether a
 * `deprecation_date` has passed.
 */
export function diffLiteLlmPrices(list: unknown, catalog: Catalog, today: string): PriceImportDiff {
  if (typeof list !== 'object' || list === null || Array.isArray(list)) {
    throw new DomainError(
      'invalid',
      'prices must be an object keyed by model name, as LiteLLM writes it',
      'prices',
    );
  }
  const entries = Object.entries(list as Record<string, unknown>).filter(([key]) => key !== 'sample_spec');
  if (entries.length === 0) throw new DomainError('invalid', 'prices lists no model', 'prices');
  if (entries.length > MAX_ENTRIES) {
    throw new DomainError('invalid', `prices lists more than ${MAX_ENTRIES} models`, 'prices');
  }
  const diff: PriceImportDiff = {
    changes: [],
    unchanged: 0,
    unmatched: {},
    unknownProviders: {},
    rejected: [],
  };
  for (const [key, entry] of entries) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      diff.rejected.push({ key, problem: 'must be an object' });
      continue;
    }
    const fields = entry as Record<string, unknown>;
    const named = typeof fields.litellm_provider === 'string' ? fields.litellm_provider : '';
    const provider = PROVIDERS[named];
    if (!provider) {
      const label = named === '' ? '(none)' : named.slice(0, 100);
      diff.unknownProviders[label] = (diff.unknownProviders[label] ?? 0) + 1;
      continue;
    }
    const id = key.startsWith(`${named}/`) ? key.slice(named.length + 1) : key;
    const model = catalog.find((candidate) => candidate.provider === provider && candidate.id === id);
    if (!model) {
      diff.unmatched[provider] = (diff.unmatched[provider] ?? 0) + 1;
      continue;
    }
    const terms = termsFor(model, fields, today);
    if ('problem' in terms) {
      diff.rejected.push({ key, problem: terms.problem });
      continue;
    }
    const before = termsOf(model);
    if (sameTerms(before, terms)) diff.unchanged += 1;
    else diff.changes.push({ provider, model: model.id, before, after: terms });
  }
  return diff;
}

/** The rates a list may give or leave out, each with LiteLLM's field (USD per token). */
const OPTIONAL_RATES = [
  ['cacheReadMicrosPerMillion', 'cache_read_input_token_cost'],
  ['cacheWriteMicrosPerMillion', 'cache_creation_input_token_cost'],
  ['inputMicrosPerMillionAbove200k', 'input_cost_per_token_above_200k_tokens'],
  ['outputMicrosPerMillionAbove200k', 'output_cost_per_token_above_200k_tokens'],
] as const;
type OptionalRate = (typeof OPTIONAL_RATES)[number][0];

function termsFor(
  model: ModelInfo,
  fields: Record<string, unknown>,
  today: string,
): ModelTerms | { problem: string } {
  const kind = MODES[typeof fields.mode === 'string' ? fields.mode : 'chat'];
  if (kind !== model.kind) {
    return { problem: `mode ${String(fields.mode)} does not match the catalog's ${model.kind} model` };
  }
  const input = price(fields.input_cost_per_token, 'input_cost_per_token');
  if (typeof input !== 'bigint') return input;
  // An embedding has no output; LiteLLM writes 0 or leaves the field out.
  const output =
    model.kind === 'embedding' && fields.output_cost_per_token === undefined
      ? 0n
      : price(fields.output_cost_per_token, 'output_cost_per_token');
  if (typeof output !== 'bigint') return output;
  const context = tokens(fields.max_input_tokens, 'max_input_tokens', model.contextLength);
  if (typeof context !== 'number') return context;
  const maxOutput =
    model.kind === 'embedding'
      ? 0
      : tokens(fields.max_output_tokens, 'max_output_tokens', model.maxOutputTokens);
  if (typeof maxOutput !== 'number') return maxOutput;
  if (maxOutput > context) return { problem: 'max_output_tokens exceeds max_input_tokens' };
  const rates: Partial<Record<OptionalRate, string | null>> = {};
  for (const [rate, field] of OPTIONAL_RATES) {
    const value = optionalPrice(fields[field], field, model[rate]);
    if (typeof value === 'object' && value !== null) return value;
    rates[rate] = value;
  }
  const deprecation = fields.deprecation_date;
  if (
    deprecation !== undefined &&
    deprecation !== null &&
    (typeof deprecation !== 'string' || !DATE.test(deprecation))
  ) {
    return { problem: 'deprecation_date must be a date (YYYY-MM-DD)' };
  }
  const deprecated = typeof deprecation === 'string' && deprecation <= today && model.lifecycle === 'active';
  return {
    inputMicrosPerMillion: input.toString(),
    outputMicrosPerMillion: output.toString(),
    ...rates,
    contextLength: context,
    maxOutputTokens: maxOutput,
    lifecycle: deprecated ? 'deprecated' : model.lifecycle,
    replacement: model.replacement,
  };
}

/** An optional rate the list may leave out (the model's own rate stays), as the string its terms carry. */
function optionalPrice(
  value: unknown,
  field: string,
  current: bigint | undefined,
): string | null | { problem: string } {
  if (value === undefined || value === null) return current?.toString() ?? null;
  const micros = price(value, field);
  return typeof micros === 'bigint' ? micros.toString() : micros;
}

/** USD per token as LiteLLM writes it, in micro-USD per million tokens (×10¹²), rounded up. */
function price(value: unknown, field: string): bigint | { problem: string } {
  if (typeof value !== 'number' || !Number.isFinite(value)) return { problem: `${field} must be a number` };
  if (value < 0) return { problem: `${field} must not be negative` };
  return usdPerTokenToMicrosPerMillion(value);
}

/**
 * Exact decimal arithmetic on the number's shortest representation (`1.5e-7`, `0.000002`), so a price
 * never picks up a binary float's noise on the way to an integer.
 */
export function usdPerTokenToMicrosPerMillion(usd: number): bigint {
  const [mantissa, exponentText = '0'] = usd.toString().toLowerCase().split('e');
  const [whole, fraction = ''] = mantissa.split('.');
  const digits = BigInt(`${whole}${fraction}`);
  // value = digits × 10^(exponent − fraction length); micros per million = value × 10^12.
  const scale = Number(exponentText) - fraction.length + 12;
  if (scale >= 0) return digits * 10n ** BigInt(scale);
  const divisor = 10n ** BigInt(-scale);
  return (digits + divisor - 1n) / divisor;
}

function tokens(value: unknown, field: string, current: number): number | { problem: string } {
  if (value === undefined || value === null) return current;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 100_000_000) {
    return { problem: `${field} must be an integer from 1 to 100000000` };
  }
  return value;
}
