import type { Micros } from '../shared/micros';
import type { ModelInfo } from './catalog';
import { isPowerLevel, type PowerLevel } from './power-levels';
import { findProvider } from './providers';
import { requestWorstCase } from './router';

/** A link of a fallback chain as the hold sees it: the model, and whose key pays the provider. */
export interface HeldLink {
  readonly model: ModelInfo;
  readonly byok: boolean;
}

/** What the hold of one request is sized by, whichever link answers: tier, prompt, output limit, margin. */
export type HoldRequest = Parameters<typeof requestWorstCase>[0];

/** A chain and the credits to hold for it; a zero amount holds nothing. */
export interface ChainHold<L extends HeldLink> {
  readonly chain: readonly L[];
  readonly amountMicros: Micros;
}

/** The level a request runs at: its own when valid, else its plan's, else `balanced`. */
export function requestPowerLevel(requested: string | undefined, planDefault: string): PowerLevel {
  const level = requested ?? planDefault;
  return isPowerLevel(level) ? level : 'balanced';
}

/** The account's privacy mode cannot be switched off by one request; a request can only add it. */
export function requestPrivacy(planPrivacy: boolean, requested: boolean | undefined): boolean {
  return planPrivacy || requested === true;
}

/**
 * The hold for the whole chain: the dearest link's worst case, since any link may end up answering and
 * only one does.
 */
export function chainHold<L extends HeldLink>(request: HoldRequest, chain: readonly L[]): ChainHold<L> {
  const amountMicros = chain
    .map((link) => requestWorstCase(request, link.model, link.byok))
    .reduce((max, amount) => (amount > max ? amount : max), 0n);
  return { chain, amountMicros };
}

/**
 * When the balance refuses the whole chain's hold: the chain cut to the links the first one's worst case
 * covers, so a small balance still buys a cheap answer. When the first link is free to the account (the
 * user's own key) only such links remain and nothing is held. Null when nothing smaller than the refused
 * hold can be tried: the refusal stands.
 */
export function affordableChainHold<L extends HeldLink>(
  request: HoldRequest,
  chain: readonly L[],
  refusedMicros: Micros,
): ChainHold<L> | null {
  const [first] = chain;
  if (!first) return null;
  const amountMicros = requestWorstCase(request, first.model, first.byok);
  if (amountMicros === refusedMicros) return null;
  if (amountMicros === 0n) return { chain: chain.filter((link) => link.byok), amountMicros };
  return {
    chain: chain.filter((link) => requestWorstCase(request, link.model, link.byok) <= amountMicros),
    amountMicros,
  };
}

/** The model takes Anthropic's Messages API as it is written. */
export function speaksAnthropic(model: Pick<ModelInfo, 'provider'>): boolean {
  return findProvider(model.provider)?.wireFormat === 'anthropic';
}

/**
 * The links that can take a Messages request carrying a part only Anthropic's API has (replayed
 * thinking, PDFs): on any other link that part would be dropped and the question changed. Empty when
 * none can.
 */
export function anthropicLinks<L extends HeldLink>(chain: readonly L[]): L[] {
  return chain.filter((link) => speaksAnthropic(link.model));
}
