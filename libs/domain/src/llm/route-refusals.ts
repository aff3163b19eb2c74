import type { ModelKind } from './catalog';
import { PROVIDERS, setupVariable, type ProviderId, type ProviderInfo } from './providers';
import { RoutingError } from './routing-error';
import type { Tier } from './tiers';

/*
 * A refusal names what a person can change: the variable an operator sets, the route a user adds a key
 * with, the plan field an admin raises. The routes are apps/api's; the e2e suites follow them as written.
 */
export const BYOK_KEYS_ROUTE = 'POST /api/v1/llm/byok/keys';
export const ACCOUNT_PLAN_ROUTE = 'PUT /api/v1/llm/credits/plan';
export const MODELS_ROUTE = 'GET /v1/models';

/** A provider that could serve the request but cannot take it now. */
export interface UnreachableProvider {
  readonly provider: ProviderId;
  /** By the platform or by the user's own key: then only its circuit breaker keeps it away. */
  readonly configured: boolean;
  /** When the breaker lets the next trial call through (ISO 8601); null when a trial is already under way. */
  readonly retryAt: string | null;
}

export interface Unreachable {
  /** What the client asked for: `'llama-3.3-70b'`, or a phrase for what `auto` may pick. */
  readonly what: string;
  readonly privacy: boolean;
  /** The platform has no provider at all and the user brought no key. */
  readonly nothingConfigured: boolean;
  readonly providers: readonly UnreachableProvider[];
}

const PRIVACY = 'privacy mode allows only local providers';
const LOCAL = PROVIDERS.filter((info) => info.local);
/** The provider most operators have a key for: the example a first start is given. */
const EXAMPLE = PROVIDERS.filter((info) => info.id === 'openai').map(setupVariable);

const NOTHING_CONFIGURED =
  `no provider configured: set ${oneOf(EXAMPLE)} or another provider's key (${oneOf(LOCAL.map(setupVariable))} ` +
  `for a local server), or add your own key with BYOK (${BYOK_KEYS_ROUTE})`;

/**
 * No provider that could serve the request can take it: the ones cooling down are named with the time of
 * their next trial (they come back on their own); otherwise the ones to configure, with their variables.
 */
export function unreachableRefusal(facts: Unreachable): RoutingError {
  const down = facts.providers.filter((entry) => entry.configured);
  const unconfigured = PROVIDERS.filter((info) =>
    facts.providers.some((entry) => entry.provider === info.id && !entry.configured),
  );
  const privacy = facts.privacy ? `${PRIVACY}, and ` : '';
  if (down.length > 0) {
    const reasons = down.map(({ provider, retryAt }) =>
      retryAt === null
        ? `${provider} is failing and a trial call is checking whether it is back`
        : `${provider} is failing and its circuit breaker lets a trial call through at ${retryAt}`,
    );
    if (unconfigured.length > 0) reasons.push(notConfigured(unconfigured));
    return new RoutingError(
      'provider_unavailable',
      `${privacy}${privacy ? 'none' : 'no provider'} serving ${facts.what} is up: ${reasons.join('; ')}`,
    );
  }
  if (facts.privacy) {
    return new RoutingError(
      'no_local_provider',
      `${privacy}none serving ${facts.what} is configured: set ${oneOf(unconfigured.map(setupVariable))} to a local server's address`,
    );
  }
  if (facts.nothingConfigured) return new RoutingError('no_provider_configured', NOTHING_CONFIGURED);
  const names = unconfigured.map((info) => info.id);
  const which = names.length === 1 ? 'it is not' : 'none of them is';
  return new RoutingError(
    'provider_not_configured',
    `only ${all(names)} ${names.length === 1 ? 'serves' : 'serve'} ${facts.what}, and ${which} configured here: ${remedy(unconfigured)}`,
    'model',
  );
}

export function unknownModelRefusal(requested: string): RoutingError {
  return new RoutingError(
    'model_not_found',
    `model '${requested}' is not in the catalog (${MODELS_ROUTE} lists the models there are)`,
    'model',
  );
}

/** Privacy mode, and no local model in the catalog could serve: the client must name one that is. */
export function noLocalModelRefusal(why: string): RoutingError {
  return new RoutingError(
    'no_local_provider',
    `${PRIVACY}, and ${why}: name a model that ${oneOf(LOCAL.map((info) => info.id))} serves (${MODELS_ROUTE} lists them)`,
    'model',
  );
}

/** A model the tier may not use: the plan's tier is what an admin changes. */
export function tierRefusal(requested: string, needed: Tier, tier: Tier): RoutingError {
  return new RoutingError(
    'model_not_in_tier',
    `model '${requested}' needs the ${needed} tier or higher; this account is on ${tier}: ${RAISE_TIER}`,
    'model',
  );
}

/** `auto` with nothing the tier may use: only a higher tier (or a catalog with more models) helps. */
export function emptyTierRefusal(tier: Tier, needsTools: boolean): RoutingError {
  const none = needsTools
    ? `no model the ${tier} tier may use supports tools`
    : `the catalog has no model the ${tier} tier may use`;
  return new RoutingError('model_not_in_tier', `${none}: ${RAISE_TIER}`, 'model');
}

const RAISE_TIER = `an admin can raise the plan's tier (${ACCOUNT_PLAN_ROUTE})`;

function notConfigured(infos: readonly ProviderInfo[]): string {
  return `${all(infos.map((info) => info.id))} ${infos.length === 1 ? 'is' : 'are'} not configured here (${remedy(infos)})`;
}

/** The variables to set, and BYOK for the remote ones: a user's key never reaches a local server. */
function remedy(infos: readonly ProviderInfo[]): string {
  const remote = infos.filter((info) => !info.local).map((info) => info.id);
  const set = `set ${oneOf(infos.map(setupVariable))}`;
  return remote.length === 0
    ? set
    : `${set}, or add your own ${oneOf(remote)} key with BYOK (${BYOK_KEYS_ROUTE})`;
}

function oneOf(items: readonly string[]): string {
  return list(items, 'or');
}

function all(items: readonly string[]): string {
  return list(items, 'and');
}

function list(items: readonly string[], conjunction: string): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

/** Every entry of a named model is retired: the provider no longer serves it, so the answer names what does. */
export function retiredRefusal(requested: string, replacement: string | null): RoutingError {
  const instead =
    replacement === null ? `; pick another model from ${MODELS_ROUTE}` : `; use '${replacement}' instead`;
  return new RoutingError('model_retired', `model '${requested}' has been retired${instead}`, 'model');
}

/** A chat model asked for embeddings, or the reverse: each endpoint routes only to its own kind. */
export function wrongKindRefusal(requested: string, kind: ModelKind): RoutingError {
  const endpoint = kind === 'embedding' ? 'POST /v1/embeddings' : 'POST /v1/chat/completions';
  return new RoutingError(
    'wrong_model_kind',
    `model '${requested}' is ${kind === 'embedding' ? 'an embedding' : 'a chat'} model: call ${endpoint}`,
    'model',
  );
}
