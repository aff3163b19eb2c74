import type { PowerLevel } from './power-levels';
import { isProviderId, type ProviderId } from './providers';
import type { TaskKind } from './task-kind';
import type { Tier } from './tiers';

export interface ModelCapabilities {
  readonly tools: boolean;
  readonly vision: boolean;
  /** Accepts `response_format: json_object`. */
  readonly json: boolean;
}

/** What a model answers: chat completions, or embeddings. Routing never crosses kinds. */
export type ModelKind = 'chat' | 'embedding';
export const MODEL_KINDS: readonly ModelKind[] = ['chat', 'embedding'];

/**
 * Where a model is in its provider's life: `deprecated` still routes (the answer says so), `retired`
 * is refused with its replacement named, because the provider no longer serves it.
 */
export type ModelLifecycle = 'active' | 'deprecated' | 'retired';
export const MODEL_LIFECYCLES: readonly ModelLifecycle[] = ['active', 'deprecated', 'retired'];

/** One model as one provider serves it: the same weights on two providers are two entries of one family. */
export interface ModelInfo {
  /** The provider's own model id, sent upstream as is. */
  readonly id: string;
  readonly provider: ProviderId;
  /** Shared by every entry of the same model, whatever the provider: what a fallback may switch between. */
  readonly family: string;
  readonly displayName: string;
  readonly kind: ModelKind;
  readonly lifecycle: ModelLifecycle;
  /** What to use instead once it is deprecated or retired (an id as a client names it), when known. */
  readonly replacement: string | null;
  /** Embedding models: the length of the vectors it returns when `dimensions` is not asked for. */
  readonly dimensions: number | null;
  readonly inputMicrosPerMillion: bigint;
  readonly outputMicrosPerMillion: bigint;
  /**
   * Prompt-cache rates, where the provider has them: tokens read from its cache (cheaper) and tokens
   * written to it (Anthropic charges extra). Absent: such tokens are charged at the input price.
   */
  readonly cacheReadMicrosPerMillion?: bigint;
  readonly cacheWriteMicrosPerMillion?: bigint;
  /**
   * Long-context rates, where the provider has them: a request with more than 200K input tokens is
   * priced at these in full (LiteLLM's `*_cost_per_token_above_200k_tokens`). Absent: the usual rates.
   */
  readonly inputMicrosPerMillionAbove200k?: bigint;
  readonly outputMicrosPerMillionAbove200k?: bigint;
  /** What one server-side web search costs (Anthropic's web search tool). Absent: none is charged. */
  readonly webSearchMicrosPerRequest?: bigint;
  readonly contextLength: number;
  readonly maxOutputTokens: number;
  readonly capabilities: ModelCapabilities;
  readonly minTier: Tier;
  /** The power levels under which `auto` may pick it. */
  readonly powerLevels: readonly PowerLevel[];
  /** 1-10, what `precision` ranks by. */
  readonly quality: number;
  readonly strengths: readonly TaskKind[];
  /** Always its provider's `local`: privacy mode depends on it, so a catalog cannot claim it. */
  readonly local: boolean;
}

export type Catalog = readonly ModelInfo[];

/** The form a client may use to pin a provider: `groq/llama-3.3-70b-versatile`. */
export function qualifiedModelId(model: Pick<ModelInfo, 'provider' | 'id'>): string {
  return `${model.provider}/${model.id}`;
}

export interface ModelLookup {
  /** The pinned entry first when the client named a provider, then the same id on other providers. */
  readonly models: readonly ModelInfo[];
  readonly pinned: ProviderId | null;
}

/**
 * Resolves what a client asked for: a provider-prefixed id (`together/deepseek-ai/DeepSeek-V3`), a bare
 * id served by one or more providers, or a family name (`llama-3.3-70b`). Many ids contain '/' themselves
 * (`openai/gpt-4o-mini` is an OpenRouter id), so a prefix pins a provider only when it names one and that
 * provider serves the rest; otherwise the whole string is an id.
 */
export function findModels(catalog: Catalog, requested: string): ModelLookup {
  const exact = catalog.filter((model) => model.id === requested);
  const slash = requested.indexOf('/');
  if (slash > 0) {
    const prefix = requested.slice(0, slash);
    const rest = requested.slice(slash + 1);
    const pinned = isProviderId(prefix)
      ? catalog.find((model) => model.provider === prefix && model.id === rest)
      : undefined;
    if (pinned) {
      const sameId = catalog.filter((model) => model.id === rest && model !== pinned);
      return { models: [pinned, ...sameId], pinned: pinned.provider };
    }
  }
  if (exact.length > 0) return { models: exact, pinned: null };
  return { models: catalog.filter((model) => model.family === requested), pinned: null };
}
