import { findModels, type Catalog, type ModelInfo, type ModelKind } from './catalog';
import type { PowerLevel } from './power-levels';
import { PROVIDER_IDS, type ProviderId } from './providers';
import {
  emptyTierRefusal,
  noLocalModelRefusal,
  retiredRefusal,
  tierRefusal,
  unknownModelRefusal,
  unreachableRefusal,
  wrongKindRefusal,
} from './route-refusals';
import { RoutingError } from './routing-error';
import type { TaskKind } from './task-kind';
import { TIERS, tierAllows, type Tier } from './tiers';

export const AUTO_MODEL = 'auto';
export const DEFAULT_MAX_CANDIDATES = 4;

// Ranking weights for `auto`: they only order models already eligible by tier, level, tools and context.

/** A model strong at the detected task counts as this much cheaper under eco. */
const ECO_STRENGTH_DISCOUNT = 0.75;
/**
 * Added to the 1-10 quality of a model strong at the detected task: it settles near-ties, it does not
 * lift a model a whole grade.
 */
const STRENGTH_BOOST = 0.5;
/**
 * Quality points a tenfold price step costs under balanced: enough that a top model at $6 per million
 * tokens ranks below a good one at $0.50, not so much that the cheapest always wins (that is eco).
 */
const BALANCED_PRICE_WEIGHT = 4;
/** Typical chat traffic reads about three input tokens per output token. */
const INPUT_SHARE = 3n;
const AGGREGATORS: ReadonlySet<ProviderId> = new Set(['openrouter', 'huggingface']);

export type ProviderHealthStatus = 'up' | 'degraded' | 'down';

export interface ProviderRouteState {
  /** Configured on the platform: a key, or a local endpoint. */
  readonly available: boolean;
  readonly health: ProviderHealthStatus;
  /** For a provider that is down: when its circuit breaker lets the next trial call through (ISO 8601). */
  readonly retryAt?: string | null;
}

export interface RouteInput {
  readonly catalog: Catalog;
  /** What the endpoint answers (default `chat`): only models of that kind are ever picked. */
  readonly kind?: ModelKind;
  /** `auto`, or a model as the client named it (see findModels). */
  readonly requestedModel: string;
  readonly powerLevel: PowerLevel;
  readonly privacy: boolean;
  readonly tier: Tier;
  readonly task: TaskKind;
  readonly promptTokens: number;
  readonly maxTokens: number | null;
  readonly needsTools: boolean;
  /** The request carries images: only a model with vision may take it, whoever named it. */
  readonly needsVision: boolean;
  /** A provider missing here is neither configured nor known to be unhealthy. */
  readonly providers: Readonly<Partial<Record<ProviderId, ProviderRouteState>>>;
  /** Providers the user brought a key for: usable without a platform key, and free of credit charges. */
  readonly byokProviders: ReadonlySet<ProviderId>;
  readonly maxCandidates?: number;
}

export interface RouteCandidate {
  readonly model: ModelInfo;
  readonly byok: boolean;
  /** A short phrase for the response headers: why this model, in this place of the chain. */
  readonly reason: string;
}

export interface RouteDecision {
  /** The fallback chain, best first; never empty. */
  readonly candidates: RouteCandidate[];
}

type SortKey = readonly (number | string)[];

/** Picks the models to try for one request, in order. Pure: same input, same chain. */
export function route(input: RouteInput): RouteDecision {
  const limit = Math.max(1, input.maxCandidates ?? DEFAULT_MAX_CANDIDATES);
  const kind = input.kind ?? 'chat';
  if (kind === 'embedding' && input.requestedModel === AUTO_MODEL) {
    // Vectors of two models cannot be compared, so a store must keep asking the same one.
    throw new RoutingError('model_required', 'embeddings need a named model, not auto', 'model');
  }
  const ofKind = { ...input, catalog: input.catalog.filter((model) => model.kind === kind) };
  if (
    input.requestedModel !== AUTO_MODEL &&
    findModels(ofKind.catalog, input.requestedModel).models.length === 0
  ) {
    const other = findModels(input.catalog, input.requestedModel).models[0];
    if (other) throw wrongKindRefusal(input.requestedModel, other.kind);
  }
  const candidates = input.requestedModel === AUTO_MODEL ? routeAuto(ofKind) : routeNamed(ofKind);
  return { candidates: candidates.slice(0, limit) };
}

/**
 * Named model: its own entries first (the pinned provider before all), then the same family elsewhere.
 * The client chose the model, so its own entries are not filtered by tools: the upstream answers for it.
 */
function routeNamed(input: RouteInput): RouteCandidate[] {
  const requested = input.requestedModel;
  const lookup = findModels(input.catalog, requested);
  if (lookup.models.length === 0) {
    throw unknownModelRefusal(requested);
  }
  const live = lookup.models.filter((model) => model.lifecycle !== 'retired');
  if (live.length === 0) throw retiredRefusal(requested, lookup.models[0].replacement);
  const inTier = live.filter((model) => tierAllows(input.tier, model.minTier));
  if (inTier.length === 0) {
    const needed = TIERS[Math.min(...lookup.models.map((model) => TIERS.indexOf(model.minTier)))];
    throw tierRefusal(requested, needed, input.tier);
  }
  const entries = inTier.filter((model) => seesImages(input, model));
  if (entries.length === 0) {
    throw new RoutingError('image_not_supported', `model '${requested}' does not accept images`, 'messages');
  }
  const families = new Set(entries.map((model) => model.family));
  const sameFamily = input.catalog.filter(
    (model) =>
      families.has(model.family) &&
      !entries.includes(model) &&
      model.lifecycle !== 'retired' &&
      tierAllows(input.tier, model.minTier) &&
      (!input.needsTools || model.capabilities.tools) &&
      seesImages(input, model),
  );
  const isEntry = (model: ModelInfo) => entries.includes(model);

  let pool = [...entries, ...sameFamily];
  if (input.privacy) {
    pool = pool.filter((model) => model.local);
    if (pool.length === 0) {
      throw noLocalModelRefusal(`'${requested}' has no local deployment`);
    }
  }
  const ready = reachableFitting(input, pool, `'${requested}'`);

  const sorted = sortBy(ready, (model) => [
    lookup.pinned === model.provider && isEntry(model) ? 0 : 1,
    healthRank(input, model),
    isEntry(model) ? 0 : 1,
    isByok(input, model) ? 0 : 1,
    blendedMicrosPerMillion(model),
    ...tieBreak(model),
  ]);
  return sorted.map((model, index) => ({
    model,
    byok: isByok(input, model),
    reason: namedReason(model, index, isEntry(model), input.privacy),
  }));
}

function namedReason(model: ModelInfo, index: number, entry: boolean, privacy: boolean): string {
  if (entry) return index === 0 ? 'requested model' : `fallback: requested model on ${model.provider}`;
  return `${privacy ? 'privacy' : 'fallback'}: same family on ${model.provider}`;
}

/** `auto`: every model the tier and power level allow that can do the job, ranked by the power level. */
function routeAuto(input: RouteInput): RouteCandidate[] {
  // A deprecated model is still served when named, but `auto` no longer starts anyone on it.
  let pool = input.catalog.filter(
    (model) =>
      model.lifecycle === 'active' &&
      tierAllows(input.tier, model.minTier) &&
      (!input.needsTools || model.capabilities.tools),
  );
  if (input.needsVision) {
    pool = pool.filter((model) => seesImages(input, model));
    if (pool.length === 0) {
      throw new RoutingError(
        'image_not_supported',
        `no model the ${input.tier} tier may use accepts images`,
        'messages',
      );
    }
  }
  if (input.privacy) pool = pool.filter((model) => model.local);
  if (pool.length === 0) {
    throw input.privacy
      ? noLocalModelRefusal(`the catalog has no local model the ${input.tier} tier may use for this request`)
      : emptyTierRefusal(input.tier, input.needsTools);
  }
  // The power level narrows the choice when it can, but never leaves a tier with nothing: a free account
  // asking for precision gets the best model it may use, still ranked the precision way.
  const atLevel = pool.filter(
    (model) => model.powerLevels.includes(input.powerLevel) && isServable(input, model),
  );
  const ready = atLevel.length > 0 ? atLevel : reachableFitting(input, pool, 'a model this request may use');

  // A model the user's own key pays for comes first: it costs them no platform credits at all.
  const sorted = sortBy(ready, (model) => [
    healthRank(input, model),
    isByok(input, model) ? 0 : 1,
    ...autoScore(model, input.powerLevel, input.task).map((score) => -score),
    blendedMicrosPerMillion(model),
    ...tieBreak(model),
  ]);
  const label = `auto/${input.powerLevel}/${input.task}`;
  return spreadProviders(input, sorted).map((model, index) => ({
    model,
    byok: isByok(input, model),
    reason:
      index === 0 ? `${label}: ${LEVEL_PHRASE[input.powerLevel]}` : `fallback: ${label} on ${model.provider}`,
  }));
}

const LEVEL_PHRASE: Record<PowerLevel, string> = {
  eco: 'cheapest capable',
  balanced: 'best price/quality',
  precision: 'highest quality',
};

/** Higher is better, compared in order. */
function autoScore(model: ModelInfo, level: PowerLevel, task: TaskKind): readonly number[] {
  const strong = model.strengths.includes(task);
  const price = blendedMicrosPerMillion(model);
  const quality = model.quality + (strong ? STRENGTH_BOOST : 0);
  switch (level) {
    case 'eco':
      return [-price * (strong ? ECO_STRENGTH_DISCOUNT : 1), quality];
    case 'balanced':
      return [quality - BALANCED_PRICE_WEIGHT * Math.log10(1 + price / 1_000_000), -price];
    case 'precision':
      return [quality, -price];
  }
}

/**
 * Failures cluster by provider (an outage, a rate limit on our key), so within each health group the
 * chain tries every provider's best entry before a second entry of any provider.
 */
function spreadProviders(input: RouteInput, sorted: readonly ModelInfo[]): ModelInfo[] {
  const groups = new Map<number, ModelInfo[]>();
  for (const model of sorted) {
    const rank = healthRank(input, model);
    groups.set(rank, [...(groups.get(rank) ?? []), model]);
  }
  return [...groups.values()].flatMap((group) => {
    const seen = new Set<ProviderId>();
    const firsts = group.filter((model) => !seen.has(model.provider) && seen.add(model.provider));
    return [...firsts, ...group.filter((model) => !firsts.includes(model))];
  });
}

/** Keeps what fits the context and has a provider to serve it, refusing with the reason when nothing does. */
function reachableFitting(input: RouteInput, pool: readonly ModelInfo[], what: string): ModelInfo[] {
  const fitting = pool.filter((model) => fitsContext(model, input.promptTokens, input.maxTokens));
  if (fitting.length === 0) {
    const largest = Math.max(...pool.map((model) => model.contextLength));
    const asked = input.maxTokens === null ? '' : ` plus max_tokens ${input.maxTokens}`;
    throw new RoutingError(
      'context_length_exceeded',
      `the prompt (about ${input.promptTokens} tokens)${asked} does not fit the context window of ${what} (largest: ${largest} tokens)`,
      'messages',
    );
  }
  const reachable = fitting.filter((model) => isReachable(input, model));
  if (reachable.length === 0) throw unreachable(input, fitting, what);
  return reachable;
}

/** The facts behind "nothing can take it": which providers are down, which are not configured. */
function unreachable(input: RouteInput, pool: readonly ModelInfo[], what: string): RoutingError {
  const providers = PROVIDER_IDS.filter((id) => pool.some((model) => model.provider === id)).map((id) => {
    const state = providerState(input, id);
    const configured = state.available || pool.some((model) => model.provider === id && isByok(input, model));
    return { provider: id, configured, retryAt: state.retryAt ?? null };
  });
  const nothingConfigured =
    input.byokProviders.size === 0 && !Object.values(input.providers).some((state) => state?.available);
  return unreachableRefusal({ what, privacy: input.privacy, nothingConfigured, providers });
}

/** The prompt and at least one output token, or as many as asked for up to the model's own limit. */
export function fitsContext(
  model: Pick<ModelInfo, 'contextLength' | 'maxOutputTokens'>,
  promptTokens: number,
  maxTokens: number | null,
): boolean {
  return promptTokens + Math.min(maxTokens ?? 1, model.maxOutputTokens) <= model.contextLength;
}

function seesImages(input: RouteInput, model: ModelInfo): boolean {
  return !input.needsVision || model.capabilities.vision;
}

function providerState(input: RouteInput, provider: ProviderId): ProviderRouteState {
  return input.providers[provider] ?? { available: false, health: 'up' };
}

function isByok(input: RouteInput, model: ModelInfo): boolean {
  return !model.local && input.byokProviders.has(model.provider);
}

function isServable(input: RouteInput, model: ModelInfo): boolean {
  return fitsContext(model, input.promptTokens, input.maxTokens) && isReachable(input, model);
}

function isReachable(input: RouteInput, model: ModelInfo): boolean {
  const state = providerState(input, model.provider);
  return (state.available || isByok(input, model)) && state.health !== 'down';
}

function healthRank(input: RouteInput, model: ModelInfo): number {
  return providerState(input, model.provider).health === 'up' ? 0 : 1;
}

function blendedMicrosPerMillion(model: ModelInfo): number {
  return (
    Number(model.inputMicrosPerMillion * INPUT_SHARE + model.outputMicrosPerMillion) /
    Number(INPUT_SHARE + 1n)
  );
}

/**
 * The last keys, so the order never depends on the catalog's own order. Among equals a provider serving
 * the model itself goes before an aggregator that would forward the call to one: one hop fewer.
 */
function tieBreak(model: ModelInfo): SortKey {
  return [AGGREGATORS.has(model.provider) ? 1 : 0, PROVIDER_IDS.indexOf(model.provider), model.id];
}

function sortBy<T>(items: readonly T[], key: (item: T) => SortKey): T[] {
  const keyed = items.map((item) => ({ item, key: key(item) }));
  keyed.sort((a, b) => compareKeys(a.key, b.key));
  return keyed.map(({ item }) => item);
}

function compareKeys(a: SortKey, b: SortKey): number {
  for (let index = 0; index < a.length; index++) {
    const left = a[index];
    const right = b[index];
    if (left === right) continue;
    return left < right ? -1 : 1;
  }
  return 0;
}
