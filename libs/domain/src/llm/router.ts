import type { Micros } from '../shared/micros';
import type { PromptCaching } from './pricing';
import { findModels, type Catalog, type ModelInfo, type ModelKind } from './catalog';
import { POWER_LEVELS, type PowerLevel, type PowerLevelCeilings } from './power-levels';
import { NO_MARGIN, worstCaseChargeMicros, type Margin } from './margin';
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
  /** Measured over the health window (time to the first byte); null or absent: no sample yet. */
  readonly latencyP50Ms?: number | null;
  readonly latencyP95Ms?: number | null;
  /** Median output tokens per second of the answers in the window; null or absent: none measured yet. */
  readonly tokensPerSecond?: number | null;
}

export const PROVIDER_SORTS = ['price', 'latency', 'throughput'] as const;
export type ProviderSort = (typeof PROVIDER_SORTS)[number];

/** The routing controls a client may send with one request, as OpenRouter's users write them. */
export interface RoutingControls {
  /** Models tried in this order after the requested one, each on its own providers first. */
  readonly models?: readonly string[];
  /** Providers tried first, in this order; the others follow unless fallbacks are off. */
  readonly order?: readonly ProviderId[];
  /** The only providers the request may go to. */
  readonly only?: readonly ProviderId[];
  /** Providers the request must not go to. */
  readonly ignore?: readonly ProviderId[];
  /** false: no provider beyond those of `order`, or beyond the first when there is no order. */
  readonly allowFallbacks?: boolean;
  /** Ranks the providers (under `auto`, the models) by this instead of the default policy. */
  readonly sort?: ProviderSort;
}

/** Controls that contradict each other, or the requested model: the field to fix and why. */
export interface ControlsConflict {
  readonly field: string;
  readonly problem: string;
}

/**
 * What a request's controls cannot mean together. Checked at the edge, so a client learns at once
 * which option to drop instead of getting a route that silently ignores one.
 */
export function routingControlsConflict(
  requestedModel: string,
  controls: RoutingControls,
): ControlsConflict | null {
  const { models, order = [], only, ignore = [], allowFallbacks } = controls;
  if (models?.length) {
    if (requestedModel === AUTO_MODEL || models.includes(AUTO_MODEL)) {
      return {
        field: 'models',
        problem: `is a fallback list of named models; '${AUTO_MODEL}' builds its own chain, so name models instead of '${AUTO_MODEL}'`,
      };
    }
    if (allowFallbacks === false) {
      return {
        field: 'models',
        problem:
          'lists fallback models, and provider.allow_fallbacks false forbids any fallback: drop one of them',
      };
    }
  }
  const both = only?.find((provider) => ignore.includes(provider));
  if (both) return { field: 'provider.ignore', problem: `names ${both}, which provider.only allows` };
  const ignored = order.find((provider) => ignore.includes(provider));
  if (ignored)
    return { field: 'provider.order', problem: `names ${ignored}, which provider.ignore excludes` };
  const outside = only && order.find((provider) => !only.includes(provider));
  if (outside)
    return { field: 'provider.order', problem: `names ${outside}, which provider.only leaves out` };
  return null;
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
  readonly controls?: RoutingControls;
  /**
   * `auto` picks only models whose worst case for this request fits the power level's ceiling. A model
   * the client names is its own choice and is not held to it.
   */
  readonly ceilings?: PowerLevelCeilings;
  /** What the account pays over list price (none when absent): the ceiling bounds the charged amount. */
  readonly margin?: Margin;
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
  if (input.requestedModel === AUTO_MODEL) return { candidates: routeAuto(ofKind).slice(0, limit) };
  const requested = [...new Set([input.requestedModel, ...(input.controls?.models ?? [])])];
  const perModel: RouteCandidate[][] = [];
  let firstRefusal: RoutingError | null = null;
  for (const [index, name] of requested.entries()) {
    try {
      assertKind(input.catalog, ofKind.catalog, name);
      perModel.push(routeNamed({ ...ofKind, requestedModel: name }, index));
    } catch (error) {
      // A model of the fallback list that cannot be served now is skipped, as if it had failed.
      if (!(error instanceof RoutingError)) throw error;
      firstRefusal ??= error;
    }
  }
  if (perModel.length === 0) throw firstRefusal!;
  return { candidates: keepEveryModel(perModel, limit) };
}

/** A model of another kind (an embedding model asked to chat, say) is refused by name. */
function assertKind(catalog: Catalog, ofKind: Catalog, name: string): void {
  if (findModels(ofKind, name).models.length > 0) return;
  const other = findModels(catalog, name).models[0];
  if (other) throw wrongKindRefusal(name, other.kind);
}

/**
 * The chain of a model list: each model's links in turn, an entry already in the chain once only.
 * The attempt limit never drops a model the client listed: each keeps its first link, and the
 * remaining room goes to the other links in chain order.
 */
function keepEveryModel(perModel: readonly RouteCandidate[][], limit: number): RouteCandidate[] {
  const seen = new Set<ModelInfo>();
  const lists = perModel.map((links) =>
    links.filter((link) => !seen.has(link.model) && seen.add(link.model)),
  );
  const firsts = new Set(lists.flatMap((links) => links.slice(0, 1)));
  let room = Math.max(0, limit - firsts.size);
  return lists.flat().filter((link) => firsts.has(link) || room-- > 0);
}

/**
 * Named model: its own entries first (the pinned provider before all), then the same family elsewhere.
 * The client chose the model, so its own entries are not filtered by tools: the upstream answers for it.
 * `position` is its place in the request's model list (0: the request's `model`).
 */
function routeNamed(input: RouteInput, position: number): RouteCandidate[] {
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

  let pool = allowedByControls(input, [...entries, ...sameFamily], `'${requested}'`);
  if (input.privacy) {
    pool = pool.filter((model) => model.local);
    if (pool.length === 0) {
      throw noLocalModelRefusal(`'${requested}' has no local deployment`);
    }
  }
  const ready = reachableFitting(input, pool, `'${requested}'`);

  const sorted = withoutFallbacks(
    input,
    sortBy(ready, (model) => [
      lookup.pinned === model.provider && isEntry(model) ? 0 : 1,
      ...controlKeys(input, model),
      healthRank(input, model),
      isEntry(model) ? 0 : 1,
      isByok(input, model) ? 0 : 1,
      blendedMicrosPerMillion(model),
      ...tieBreak(model),
    ]),
  );
  return sorted.map((model, index) => ({
    model,
    byok: isByok(input, model),
    reason:
      position === 0
        ? namedReason(input, model, index, isEntry(model))
        : `fallback: models[${position - 1}] '${requested}'${index === 0 ? '' : ` on ${model.provider}`}`,
  }));
}

function namedReason(input: RouteInput, model: ModelInfo, index: number, entry: boolean): string {
  if (index === 0 && steered(input)) return `${controlsPhrase(input)}: ${model.id} on ${model.provider}`;
  if (entry) return index === 0 ? 'requested model' : `fallback: requested model on ${model.provider}`;
  return `${input.privacy ? 'privacy' : 'fallback'}: same family on ${model.provider}`;
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
  pool = withinCeiling(input, allowedByControls(input, pool, 'a model this request may use'));
  // The power level narrows the choice when it can, but never leaves a tier with nothing: a free account
  // asking for precision gets the best model it may use, still ranked the precision way.
  const atLevel = pool.filter(
    (model) => model.powerLevels.includes(input.powerLevel) && isServable(input, model),
  );
  const ready = atLevel.length > 0 ? atLevel : reachableFitting(input, pool, 'a model this request may use');

  // A model the user's own key pays for comes first: it costs them no platform credits at all.
  const sorted = sortBy(ready, (model) => [
    ...controlKeys(input, model),
    healthRank(input, model),
    isByok(input, model) ? 0 : 1,
    ...autoScore(model, input.powerLevel, input.task).map((score) => -score),
    blendedMicrosPerMillion(model),
    ...tieBreak(model),
  ]);
  const label = `auto/${input.powerLevel}/${input.task}`;
  const lead = steered(input) ? controlsPhrase(input) : LEVEL_PHRASE[input.powerLevel];
  // The client's own order or sort is kept as given; the default policy spreads the chain over providers.
  const chain = withoutFallbacks(input, steered(input) ? sorted : spreadProviders(input, sorted));
  return chain.map((model, index) => ({
    model,
    byok: isByok(input, model),
    reason: index === 0 ? `${label}: ${lead}` : `fallback: ${label} on ${model.provider}`,
  }));
}

/** The request's `provider.only` and `provider.ignore`, refusing with both named when they leave nothing. */
function allowedByControls(input: RouteInput, pool: readonly ModelInfo[], what: string): ModelInfo[] {
  // An empty list states no preference, as on OpenRouter.
  const only = input.controls?.only?.length ? input.controls.only : undefined;
  const ignore = input.controls?.ignore?.length ? input.controls.ignore : undefined;
  const allowed = pool.filter(
    (model) => (only === undefined || only.includes(model.provider)) && !ignore?.includes(model.provider),
  );
  if (allowed.length === 0 && pool.length > 0) {
    const servedBy = PROVIDER_IDS.filter((id) => pool.some((model) => model.provider === id));
    const rules = [
      only && `provider.only [${only.join(', ')}]`,
      ignore && `provider.ignore [${ignore.join(', ')}]`,
    ]
      .filter(Boolean)
      .join(' and ');
    throw new RoutingError(
      'no_allowed_provider',
      `${what} is served by ${servedBy.join(', ')} here, and ${rules} leave${only && ignore ? '' : 's'} none of them`,
      only ? 'provider.only' : 'provider.ignore',
    );
  }
  return allowed;
}

/**
 * `auto` under a power level's ceiling: only models whose worst case for this request (the estimated
 * prompt and the whole output budget, marked up as the account is charged) fits it. The ceiling bounds
 * what the request may charge the account, so a local model always fits, and one on the user's own
 * key does unless an operator set a BYOK fee. When none does, the refusal names the cheapest model
 * that could take the request and the lowest level whose ceiling it fits.
 */
function withinCeiling(input: RouteInput, pool: readonly ModelInfo[]): ModelInfo[] {
  if (!input.ceilings) return [...pool];
  const ceiling = input.ceilings[input.powerLevel];
  const worstCase = (model: ModelInfo) => requestWorstCase(input, model, isByok(input, model));
  const fits = pool.filter((model) => worstCase(model) <= ceiling);
  if (fits.some((model) => isServable(input, model))) return fits;
  // Nothing affordable can serve: when nothing at all could, the reason is reachability, not money.
  const servable = reachableFitting(input, pool, 'a model this request may use');
  const [cheapest] = sortBy(servable, (model) => [Number(worstCase(model)), ...tieBreak(model)]);
  const cost = worstCase(cheapest);
  const level = POWER_LEVELS.find(
    (candidate) =>
      POWER_LEVELS.indexOf(candidate) > POWER_LEVELS.indexOf(input.powerLevel) &&
      cost <= input.ceilings![candidate],
  );
  const output = input.maxTokens === null ? "each model's output limit" : `max_tokens ${input.maxTokens}`;
  const cheapestPhrase = `the cheapest model that could take it, ${cheapest.id} on ${cheapest.provider}, costs up to ${cost} micro-USD`;
  const remedy = level
    ? `${cheapestPhrase}, within the ${level} level's ceiling of ${input.ceilings[level]}: ask for power level ${level}, or lower max_tokens`
    : `${cheapestPhrase}, above every level's ceiling: lower max_tokens or shorten the prompt`;
  return budgetRefusal(
    `no model fits the ${input.powerLevel} power level's ceiling of ${ceiling} micro-USD for this request (about ${input.promptTokens} prompt tokens plus ${output}); ${remedy}`,
  );
}

function budgetRefusal(message: string): never {
  throw new RoutingError('budget_exceeded', message, 'power_level');
}

/**
 * What a model can charge the account for this request at most: the whole prompt and the whole output
 * budget at list price with the tier's markup, as the hold is computed; on the user's own key only
 * the BYOK fee, since the provider bills the tokens.
 */
export function requestWorstCase(
  input: Pick<RouteInput, 'promptTokens' | 'maxTokens' | 'margin'> & {
    readonly tier: string;
    /** A prompt marked for caching counts as written to the cache (the hold); routing leaves it out. */
    readonly caching?: PromptCaching;
  },
  model: ModelInfo,
  byok = false,
): Micros {
  const payer = { tier: input.tier, byok };
  return worstCaseChargeMicros(
    model,
    payer,
    input.promptTokens,
    input.maxTokens,
    input.margin ?? NO_MARGIN,
    input.caching,
  );
}

/** The client ordered or sorted the providers itself. */
function steered(input: RouteInput): boolean {
  return input.controls?.sort !== undefined || (input.controls?.order?.length ?? 0) > 0;
}

function controlsPhrase(input: RouteInput): string {
  const { order, sort } = input.controls ?? {};
  return [
    order?.length ? `provider.order [${order.join(', ')}]` : null,
    sort ? `provider.sort ${sort}` : null,
  ]
    .filter(Boolean)
    .join(', ');
}

/**
 * The leading sort keys the client's controls give: a provider of `order` in its place and before the
 * rest, then the `sort` measure. Without controls, no keys: the default policy decides alone.
 */
function controlKeys(input: RouteInput, model: ModelInfo): SortKey {
  const { order, sort } = input.controls ?? {};
  const place = order?.indexOf(model.provider) ?? -1;
  const keys: (number | string)[] = order?.length ? [place === -1 ? order.length : place] : [];
  const state = providerState(input, model.provider);
  // An unmeasured provider goes after every measured one: nothing says it is fast.
  switch (sort) {
    case 'price':
      return [...keys, blendedMicrosPerMillion(model)];
    case 'latency':
      return [...keys, state.latencyP50Ms ?? Infinity, state.latencyP95Ms ?? Infinity];
    case 'throughput':
      return [...keys, -(state.tokensPerSecond ?? -Infinity)];
    case undefined:
      return keys;
  }
}

/** `allow_fallbacks: false`: only the providers of `order`, or only the first link without an order. */
function withoutFallbacks(input: RouteInput, chain: readonly ModelInfo[]): ModelInfo[] {
  const { allowFallbacks, order } = input.controls ?? {};
  if (allowFallbacks !== false) return [...chain];
  if (!order?.length) return chain.slice(0, 1);
  const ordered = chain.filter((model) => order.includes(model.provider));
  if (ordered.length === 0) {
    throw new RoutingError(
      'no_allowed_provider',
      `provider.allow_fallbacks is false and no provider of provider.order [${order.join(', ')}] can serve ${input.requestedModel === AUTO_MODEL ? 'this request' : `'${input.requestedModel}'`} now (it could go to ${[...new Set(chain.map((model) => model.provider))].join(', ')})`,
      'provider.order',
    );
  }
  return ordered;
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
