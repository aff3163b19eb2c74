import { DomainError } from '../shared/domain-error';
import { parseMicros } from '../shared/micros';
import {
  MODEL_KINDS,
  MODEL_LIFECYCLES,
  qualifiedModelId,
  type Catalog,
  type ModelCapabilities,
  type ModelInfo,
  type ModelKind,
  type ModelLifecycle,
} from './catalog';
import { isPowerLevel, POWER_LEVELS, type PowerLevel } from './power-levels';
import { findProvider, isProviderId, PROVIDER_IDS } from './providers';
import { isTaskKind, TASK_KINDS, type TaskKind } from './task-kind';
import { isTier, TIERS } from './tiers';

/*
 * An operator's catalog file: a JSON array of models with snake_case fields and prices as strings of
 * micro-USD per million tokens, e.g.
 *   { "id": "llama-3.3-70b-versatile", "provider": "groq", "family": "llama-3.3-70b",
 *     "display_name": "Llama 3.3 70B", "input_micros_per_million": "590000",
 *     "output_micros_per_million": "790000", "context_length": 131072, "max_output_tokens": 32768,
 *     "capabilities": { "tools": true, "vision": false, "json": true }, "min_tier": "starter",
 *     "power_levels": ["eco", "balanced"], "quality": 7, "strengths": ["chat"] }
 * Every field above is required and unknown fields are refused, so a typo cannot silently drop a tier
 * gate. Optional: `kind` (`chat` or `embedding`, default chat; an embedding model's max_output_tokens
 * is 0 and it may name its `dimensions`), `lifecycle` (`active`, `deprecated`, `retired`) and the
 * `replacement` a deprecated or retired model points to.
 * `local` is not a field: it follows the provider, because privacy mode trusts it.
 */

const MODEL_FIELDS = [
  'id',
  'provider',
  'family',
  'display_name',
  'input_micros_per_million',
  'output_micros_per_million',
  'context_length',
  'max_output_tokens',
  'capabilities',
  'min_tier',
  'power_levels',
  'quality',
  'strengths',
] as const;
/** The optional rates of a catalog file, each with its field. */
const OPTIONAL_PRICES = [
  ['cacheReadMicrosPerMillion', 'cache_read_micros_per_million'],
  ['cacheWriteMicrosPerMillion', 'cache_write_micros_per_million'],
  ['inputMicrosPerMillionAbove200k', 'input_micros_per_million_above_200k'],
  ['outputMicrosPerMillionAbove200k', 'output_micros_per_million_above_200k'],
  ['webSearchMicrosPerRequest', 'web_search_micros_per_request'],
] as const;

const OPTIONAL_FIELDS = [
  'kind',
  'lifecycle',
  'replacement',
  'dimensions',
  ...OPTIONAL_PRICES.map(([, field]) => field),
] as const;
const CAPABILITY_FIELDS = ['tools', 'vision', 'json'] as const;
const MAX_TOKENS_LIMIT = 100_000_000;

export function parseCatalog(json: unknown): Catalog {
  const value = typeof json === 'string' ? parseJson(json) : json;
  if (!Array.isArray(value) || value.length === 0) {
    throw invalid('catalog', 'must be a non-empty array of models');
  }
  const models = value.map((entry, index) => parseModel(entry, `catalog[${index}]`));
  const seen = new Set<string>();
  models.forEach((model, index) => {
    const key = qualifiedModelId(model);
    if (seen.has(key)) throw invalid(`catalog[${index}]`, `repeats ${key}`);
    seen.add(key);
  });
  return models;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalid('catalog', 'is not valid JSON');
  }
}

function parseModel(entry: unknown, path: string): ModelInfo {
  const fields = record(entry, path, MODEL_FIELDS, OPTIONAL_FIELDS);
  const provider = fields.provider;
  if (!isProviderId(provider)) throw invalid(`${path}.provider`, `must be one of ${PROVIDER_IDS.join(', ')}`);
  const kind = oneOf<ModelKind>(fields.kind ?? 'chat', `${path}.kind`, MODEL_KINDS);
  const lifecycle = oneOf<ModelLifecycle>(
    fields.lifecycle ?? 'active',
    `${path}.lifecycle`,
    MODEL_LIFECYCLES,
  );
  const contextLength = count(fields.context_length, `${path}.context_length`);
  // An embedding model generates no tokens; a chat model must be able to generate at least one.
  const maxOutputTokens =
    kind === 'embedding' && fields.max_output_tokens === 0
      ? 0
      : count(fields.max_output_tokens, `${path}.max_output_tokens`);
  if (maxOutputTokens > contextLength) {
    throw invalid(`${path}.max_output_tokens`, 'must not exceed context_length');
  }
  const minTier = fields.min_tier;
  if (!isTier(minTier)) throw invalid(`${path}.min_tier`, `must be one of ${TIERS.join(', ')}`);
  const quality = fields.quality;
  if (typeof quality !== 'number' || !Number.isInteger(quality) || quality < 1 || quality > 10) {
    throw invalid(`${path}.quality`, 'must be an integer from 1 to 10');
  }
  return {
    id: identifier(fields.id, `${path}.id`),
    provider,
    family: identifier(fields.family, `${path}.family`),
    displayName: label(fields.display_name, `${path}.display_name`),
    kind,
    lifecycle,
    replacement:
      fields.replacement === undefined || fields.replacement === null
        ? null
        : identifier(fields.replacement, `${path}.replacement`),
    dimensions:
      fields.dimensions === undefined || fields.dimensions === null
        ? null
        : count(fields.dimensions, `${path}.dimensions`),
    inputMicrosPerMillion: price(fields.input_micros_per_million, `${path}.input_micros_per_million`),
    outputMicrosPerMillion: price(fields.output_micros_per_million, `${path}.output_micros_per_million`),
    ...optionalPrices(fields, path),
    contextLength,
    maxOutputTokens,
    capabilities: capabilities(fields.capabilities, `${path}.capabilities`),
    minTier,
    powerLevels: powerLevels(fields.power_levels, `${path}.power_levels`),
    quality,
    strengths: strengths(fields.strengths, `${path}.strengths`),
    local: findProvider(provider)?.local ?? false,
  };
}

function optionalPrices(
  fields: Partial<Record<(typeof OPTIONAL_PRICES)[number][1], unknown>>,
  path: string,
): Partial<Record<(typeof OPTIONAL_PRICES)[number][0], bigint>> {
  const prices: Partial<Record<(typeof OPTIONAL_PRICES)[number][0], bigint>> = {};
  for (const [key, field] of OPTIONAL_PRICES) {
    const value = fields[field];
    if (value !== undefined && value !== null) prices[key] = price(value, `${path}.${field}`);
  }
  return prices;
}

function record<K extends string, O extends string = never>(
  value: unknown,
  path: string,
  keys: readonly K[],
  optional: readonly O[] = [],
): Record<K, unknown> & Partial<Record<O, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(path, 'must be an object');
  const known: readonly string[] = [...keys, ...optional];
  const unknown = Object.keys(value).find((key) => !known.includes(key));
  if (unknown !== undefined) throw invalid(`${path}.${unknown}`, 'is not a known field');
  const missing = keys.find((key) => !(key in value));
  if (missing !== undefined) throw invalid(`${path}.${missing}`, 'is required');
  return value as Record<K, unknown> & Partial<Record<O, unknown>>;
}

function oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  if (!(allowed as readonly unknown[]).includes(value))
    throw invalid(path, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** Ids and families travel upstream and into headers: printable, no whitespace. */
function identifier(value: unknown, path: string): string {
  if (typeof value !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(value)) {
    throw invalid(path, 'must be 1-200 printable ASCII characters without spaces');
  }
  return value;
}

function label(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200 || /\p{Cc}/u.test(value)) {
    throw invalid(path, 'must be a non-empty string of at most 200 characters without control characters');
  }
  return value;
}

function price(value: unknown, path: string): bigint {
  if (typeof value !== 'string') throw invalid(path, 'must be a string of micro-USD per million tokens');
  const micros = parseMicros(value, path);
  if (micros < 0n) throw invalid(path, 'must not be negative');
  return micros;
}

function count(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TOKENS_LIMIT) {
    throw invalid(path, `must be an integer from 1 to ${MAX_TOKENS_LIMIT}`);
  }
  return value;
}

function capabilities(value: unknown, path: string): ModelCapabilities {
  const fields = record(value, path, CAPABILITY_FIELDS);
  for (const key of CAPABILITY_FIELDS) {
    if (typeof fields[key] !== 'boolean') throw invalid(`${path}.${key}`, 'must be true or false');
  }
  return { tools: fields.tools as boolean, vision: fields.vision as boolean, json: fields.json as boolean };
}

function powerLevels(value: unknown, path: string): PowerLevel[] {
  const levels = list(value, path, isPowerLevel, POWER_LEVELS);
  if (levels.length === 0) throw invalid(path, 'must name at least one power level');
  return levels;
}

function strengths(value: unknown, path: string): TaskKind[] {
  return list(value, path, isTaskKind, TASK_KINDS);
}

function list<T extends string>(
  value: unknown,
  path: string,
  accepts: (item: unknown) => item is T,
  allowed: readonly T[],
): T[] {
  if (!Array.isArray(value)) throw invalid(path, 'must be an array');
  value.forEach((item, index) => {
    if (!accepts(item)) throw invalid(`${path}[${index}]`, `must be one of ${allowed.join(', ')}`);
  });
  return [...new Set(value as T[])];
}

function invalid(field: string, problem: string): DomainError {
  return new DomainError('invalid', `${field} ${problem}`, field);
}
