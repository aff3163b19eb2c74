import type { Catalog, ModelCapabilities, ModelInfo, ModelLifecycle } from './catalog';
import type { PowerLevel } from './power-levels';
import { findProvider, type ProviderId } from './providers';
import type { TaskKind } from './task-kind';
import type { Tier } from './tiers';

/*
 * The built-in catalog: public list prices in USD per million tokens as the providers published them
 * (late 2025; Anthropic's lineup and the embedding models as of December 2026), so that credits are
 * charged near what the platform pays. A model its provider calls legacy is `deprecated` here: it still
 * answers when named, `auto` no longer picks it, and the answer names its replacement. Prices move; an operator
 * replaces this list with a catalog file (parseCatalog) rather than waiting for a release.
 * Local models cost nothing per token: the hardware is already paid for.
 */

const ALL_LEVELS: readonly PowerLevel[] = ['eco', 'balanced', 'precision'];
const TOOLS_JSON: ModelCapabilities = { tools: true, vision: false, json: true };
const TOOLS_VISION_JSON: ModelCapabilities = { tools: true, vision: true, json: true };
const TOOLS_VISION: ModelCapabilities = { tools: true, vision: true, json: false };
const TEXT_JSON: ModelCapabilities = { tools: false, vision: false, json: true };
const TEXT_ONLY: ModelCapabilities = { tools: false, vision: false, json: false };

interface Spec {
  family: string;
  displayName: string;
  /** USD per million input and output tokens, as decimal strings so no price passes through a float. */
  usd: readonly [input: string, output: string];
  context: number;
  maxOutput: number;
  capabilities: ModelCapabilities;
  minTier: Tier;
  powerLevels: readonly PowerLevel[];
  quality: number;
  strengths: readonly TaskKind[];
  lifecycle?: readonly [ModelLifecycle, replacement: string];
  /** USD per million input tokens read from the provider's prompt cache, where a source gives it. */
  cachedInputUsd?: string;
  /** USD per million input and output tokens once a request's input passes 200K tokens, where sourced. */
  longContextUsd?: readonly [input: string, output: string];
}

/**
 * Anthropic prices its prompt cache off each model's input price: a cache read costs a tenth of it, a
 * cache write (five-minute TTL) a quarter more. See catalog-sources.md.
 */
function anthropicCacheRates(inputMicrosPerMillion: bigint): Partial<ModelInfo> {
  return {
    cacheReadMicrosPerMillion: inputMicrosPerMillion / 10n,
    cacheWriteMicrosPerMillion: (inputMicrosPerMillion * 5n) / 4n,
    webSearchMicrosPerRequest: ANTHROPIC_WEB_SEARCH_MICROS,
  };
}

/** Anthropic's web search tool: $10 per 1,000 searches, on top of tokens. See catalog-sources.md. */
const ANTHROPIC_WEB_SEARCH_MICROS = 10_000n;

function longContextRatesOf(spec: Spec): Partial<ModelInfo> {
  if (spec.longContextUsd === undefined) return {};
  return {
    inputMicrosPerMillionAbove200k: usdToMicros(spec.longContextUsd[0]),
    outputMicrosPerMillionAbove200k: usdToMicros(spec.longContextUsd[1]),
  };
}

function cacheRatesOf(provider: ProviderId, spec: Spec): Partial<ModelInfo> {
  if (provider === 'anthropic') return anthropicCacheRates(usdToMicros(spec.usd[0]));
  return spec.cachedInputUsd === undefined
    ? {}
    : { cacheReadMicrosPerMillion: usdToMicros(spec.cachedInputUsd) };
}

function model(provider: ProviderId, id: string, spec: Spec): ModelInfo {
  return {
    ...cacheRatesOf(provider, spec),
    ...longContextRatesOf(spec),
    id,
    provider,
    family: spec.family,
    displayName: spec.displayName,
    kind: 'chat',
    lifecycle: spec.lifecycle?.[0] ?? 'active',
    replacement: spec.lifecycle?.[1] ?? null,
    dimensions: null,
    inputMicrosPerMillion: usdToMicros(spec.usd[0]),
    outputMicrosPerMillion: usdToMicros(spec.usd[1]),
    contextLength: spec.context,
    maxOutputTokens: spec.maxOutput,
    capabilities: spec.capabilities,
    minTier: spec.minTier,
    powerLevels: spec.powerLevels,
    quality: spec.quality,
    strengths: spec.strengths,
    local: findProvider(provider)?.local ?? false,
  };
}

interface EmbeddingSpec {
  family: string;
  displayName: string;
  /** USD per million input tokens; embeddings produce no output tokens. */
  usd: string;
  /** The longest input, in tokens. */
  context: number;
  dimensions: number;
  minTier: Tier;
  quality: number;
}

/** Embeddings are named, never picked by `auto`: the power levels only let the tier gate read them. */
function embedding(provider: ProviderId, id: string, spec: EmbeddingSpec): ModelInfo {
  return {
    ...model(provider, id, {
      ...spec,
      usd: [spec.usd, '0'],
      maxOutput: 0,
      capabilities: TEXT_ONLY,
      powerLevels: ALL_LEVELS,
      strengths: ['rag'],
    }),
    kind: 'embedding',
    dimensions: spec.dimensions,
  };
}

function usdToMicros(usd: string): bigint {
  const [whole, fraction = ''] = usd.split('.');
  return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
}

const LLAMA_31_8B = { family: 'llama-3.1-8b', displayName: 'Llama 3.1 8B Instruct', quality: 4 } as const;
const LLAMA_33_70B = { family: 'llama-3.3-70b', displayName: 'Llama 3.3 70B Instruct', quality: 7 } as const;
const DEEPSEEK_V3 = { family: 'deepseek-v3', displayName: 'DeepSeek V3', quality: 8 } as const;
const DEEPSEEK_R1 = { family: 'deepseek-r1', displayName: 'DeepSeek R1', quality: 8 } as const;
const QWEN_CODER_32B = { family: 'qwen2.5-coder-32b', displayName: 'Qwen2.5 Coder 32B', quality: 7 } as const;
const QWEN_CODER_7B = { family: 'qwen2.5-coder-7b', displayName: 'Qwen2.5 Coder 7B', quality: 4 } as const;
const MIXTRAL = { family: 'mixtral-8x7b', displayName: 'Mixtral 8x7B Instruct', quality: 4 } as const;

const TEXT_EMBEDDING_3_SMALL = {
  family: 'text-embedding-3-small',
  displayName: 'text-embedding-3-small',
  quality: 6,
} as const;
const BGE_LARGE_EN = { family: 'bge-large-en-v1.5', displayName: 'BGE Large EN v1.5', quality: 6 } as const;
const BGE_M3 = { family: 'bge-m3', displayName: 'BGE-M3', quality: 7 } as const;
const NOMIC_EMBED = {
  family: 'nomic-embed-text-v1.5',
  displayName: 'Nomic Embed Text v1.5',
  quality: 6,
} as const;

const SMALL_CHAT = { minTier: 'free', powerLevels: ['eco'], strengths: ['chat'] } as const;
const LARGE_OPEN = {
  minTier: 'starter',
  powerLevels: ['eco', 'balanced'],
  strengths: ['chat', 'creative'],
} as const;
const CODER = { minTier: 'starter', powerLevels: ['eco', 'balanced'], strengths: ['code'] } as const;
const V3 = {
  minTier: 'starter',
  powerLevels: ['balanced', 'precision'],
  strengths: ['code', 'chat'],
} as const;
const R1 = { minTier: 'professional', powerLevels: ['precision'], strengths: ['analysis', 'code'] } as const;
/** Self-hosted models serve every power level: under privacy mode they are the only choice there is. */
const LOCAL = { minTier: 'free', powerLevels: ALL_LEVELS, usd: ['0', '0'] } as const;

export const DEFAULT_CATALOG: Catalog = [
  // OpenAI
  model('openai', 'gpt-4o-mini', {
    family: 'gpt-4o-mini',
    displayName: 'GPT-4o mini',
    usd: ['0.15', '0.60'],
    cachedInputUsd: '0.075',
    context: 128_000,
    maxOutput: 16_384,
    capabilities: TOOLS_VISION_JSON,
    minTier: 'free',
    powerLevels: ['eco', 'balanced'],
    quality: 6,
    strengths: ['chat'],
  }),
  model('openai', 'gpt-4o', {
    family: 'gpt-4o',
    displayName: 'GPT-4o',
    usd: ['2.50', '10.00'],
    context: 128_000,
    maxOutput: 16_384,
    capabilities: TOOLS_VISION_JSON,
    minTier: 'professional',
    powerLevels: ['balanced', 'precision'],
    quality: 8,
    strengths: ['chat', 'creative'],
  }),
  model('openai', 'gpt-4.1', {
    family: 'gpt-4.1',
    displayName: 'GPT-4.1',
    usd: ['2.00', '8.00'],
    context: 1_047_576,
    maxOutput: 32_768,
    capabilities: TOOLS_VISION_JSON,
    minTier: 'professional',
    powerLevels: ['balanced', 'precision'],
    quality: 8,
    strengths: ['code', 'rag', 'analysis'],
  }),
  model('openai', 'gpt-4.1-mini', {
    family: 'gpt-4.1-mini',
    displayName: 'GPT-4.1 mini',
    usd: ['0.40', '1.60'],
    cachedInputUsd: '0.10',
    context: 1_047_576,
    maxOutput: 32_768,
    capabilities: TOOLS_VISION_JSON,
    minTier: 'starter',
    powerLevels: ['eco', 'balanced'],
    quality: 7,
    strengths: ['rag', 'chat'],
  }),
  model('openai', 'gpt-4.1-nano', {
    family: 'gpt-4.1-nano',
    displayName: 'GPT-4.1 nano',
    usd: ['0.10', '0.40'],
    context: 1_047_576,
    maxOutput: 32_768,
    capabilities: TOOLS_VISION_JSON,
    minTier: 'free',
    powerLevels: ['eco'],
    quality: 5,
    strengths: ['chat', 'rag'],
  }),
  model('openai', 'o4-mini', {
    family: 'o4-mini',
    displayName: 'o4-mini',
    usd: ['1.10', '4.40'],
    context: 200_000,
    maxOutput: 100_000,
    capabilities: TOOLS_VISION_JSON,
    minTier: 'professional',
    powerLevels: ['precision'],
    quality: 9,
    strengths: ['code', 'analysis'],
  }),
  // OpenAI's GPT-5.4 and 5.5 (pricing page as quoted June 2026, see catalog-sources.md). The listed rates
  // hold below 270K tokens of context, so the window here stops there: a longer prompt would cost more.
  // No source read says which take images, so none is offered vision here.
  model('openai', 'gpt-5.5', {
    family: 'gpt-5.5',
    displayName: 'GPT-5.5',
    usd: ['5.00', '30.00'],
    cachedInputUsd: '0.50',
    context: 270_000,
    maxOutput: 128_000,
    capabilities: TOOLS_JSON,
    minTier: 'enterprise',
    powerLevels: ['precision'],
    quality: 10,
    strengths: ['code', 'analysis', 'creative'],
  }),
  model('openai', 'gpt-5.4', {
    family: 'gpt-5.4',
    displayName: 'GPT-5.4',
    usd: ['2.50', '15.00'],
    cachedInputUsd: '0.25',
    context: 270_000,
    maxOutput: 128_000,
    capabilities: TOOLS_JSON,
    minTier: 'professional',
    powerLevels: ['balanced', 'precision'],
    quality: 9,
    strengths: ['code', 'analysis'],
  }),
  model('openai', 'gpt-5.4-mini', {
    family: 'gpt-5.4-mini',
    displayName: 'GPT-5.4 mini',
    usd: ['0.75', '4.50'],
    cachedInputUsd: '0.075',
    context: 270_000,
    maxOutput: 128_000,
    capabilities: TOOLS_JSON,
    minTier: 'starter',
    powerLevels: ['eco', 'balanced'],
    quality: 8,
    strengths: ['chat', 'code'],
  }),
  model('openai', 'gpt-5.4-nano', {
    family: 'gpt-5.4-nano',
    displayName: 'GPT-5.4 nano',
    usd: ['0.20', '1.25'],
    cachedInputUsd: '0.02',
    context: 270_000,
    maxOutput: 128_000,
    capabilities: TOOLS_JSON,
    minTier: 'free',
    powerLevels: ['eco', 'balanced'],
    quality: 6,
    strengths: ['chat'],
  }),
  // Anthropic (platform.claude.com model pages, December 2026: Fable 5.1, Opus 5.5 and Sonnet 5.5 are
  // current; Opus 5 and Sonnet 5 are legacy, the 4.5 generation older still)
  model('anthropic', 'claude-fable-5-1', {
    family: 'claude-fable-5.1',
    displayName: 'Claude Fable 5.1',
    usd: ['10.00', '50.00'],
    context: 1_000_000,
    maxOutput: 128_000,
    capabilities: TOOLS_VISION,
    minTier: 'enterprise',
    powerLevels: ['precision'],
    quality: 10,
    strengths: ['code', 'analysis', 'creative'],
  }),
  model('anthropic', 'claude-opus-5-5', {
    family: 'claude-opus-5.5',
    displayName: 'Claude Opus 5.5',
    usd: ['4.00', '20.00'],
    context: 1_000_000,
    maxOutput: 128_000,
    capabilities: TOOLS_VISION,
    minTier: 'enterprise',
    powerLevels: ['precision'],
    quality: 10,
    strengths: ['code', 'analysis', 'creative'],
  }),
  model('anthropic', 'claude-sonnet-5-5', {
    family: 'claude-sonnet-5.5',
    displayName: 'Claude Sonnet 5.5',
    usd: ['2.00', '10.00'],
    context: 1_000_000,
    maxOutput: 128_000,
    capabilities: TOOLS_VISION,
    minTier: 'professional',
    powerLevels: ['balanced', 'precision'],
    quality: 9,
    strengths: ['code', 'creative', 'analysis'],
  }),
  model('anthropic', 'claude-opus-5', {
    family: 'claude-opus-5',
    displayName: 'Claude Opus 5',
    usd: ['5.00', '25.00'],
    context: 1_000_000,
    maxOutput: 128_000,
    capabilities: TOOLS_VISION,
    minTier: 'enterprise',
    powerLevels: ['precision'],
    quality: 10,
    strengths: ['code', 'analysis', 'creative'],
    lifecycle: ['deprecated', 'claude-opus-5-5'],
  }),
  model('anthropic', 'claude-sonnet-5', {
    family: 'claude-sonnet-5',
    displayName: 'Claude Sonnet 5',
    usd: ['2.00', '10.00'],
    context: 1_000_000,
    maxOutput: 128_000,
    capabilities: TOOLS_VISION,
    minTier: 'professional',
    powerLevels: ['balanced', 'precision'],
    quality: 9,
    strengths: ['code', 'creative', 'analysis'],
    lifecycle: ['deprecated', 'claude-sonnet-5-5'],
  }),
  model('anthropic', 'claude-haiku-4-5', {
    family: 'claude-haiku-4.5',
    displayName: 'Claude Haiku 4.5',
    usd: ['1.00', '5.00'],
    context: 200_000,
    maxOutput: 64_000,
    capabilities: TOOLS_VISION,
    minTier: 'starter',
    powerLevels: ['eco', 'balanced'],
    quality: 8,
    strengths: ['chat', 'code'],
  }),
  model('anthropic', 'claude-sonnet-4-5', {
    family: 'claude-sonnet-4.5',
    displayName: 'Claude Sonnet 4.5',
    usd: ['3.00', '15.00'],
    longContextUsd: ['6.00', '22.50'],
    context: 200_000,
    maxOutput: 64_000,
    capabilities: TOOLS_VISION,
    minTier: 'professional',
    powerLevels: ['balanced', 'precision'],
    quality: 9,
    strengths: ['code', 'creative', 'analysis'],
    lifecycle: ['deprecated', 'claude-sonnet-5-5'],
  }),
  model('anthropic', 'claude-opus-4-5', {
    family: 'claude-opus-4.5',
    displayName: 'Claude Opus 4.5',
    usd: ['5.00', '25.00'],
    context: 200_000,
    maxOutput: 64_000,
    capabilities: TOOLS_VISION,
    minTier: 'enterprise',
    powerLevels: ['precision'],
    quality: 10,
    strengths: ['code', 'analysis', 'creative'],
    lifecycle: ['deprecated', 'claude-opus-5-5'],
  }),
  // Groq
  model('groq', 'llama-3.1-8b-instant', {
    ...LLAMA_31_8B,
    ...SMALL_CHAT,
    usd: ['0.05', '0.08'],
    context: 131_072,
    maxOutput: 131_072,
    capabilities: TOOLS_JSON,
  }),
  model('groq', 'llama-3.3-70b-versatile', {
    ...LLAMA_33_70B,
    ...LARGE_OPEN,
    usd: ['0.59', '0.79'],
    context: 131_072,
    maxOutput: 32_768,
    capabilities: TOOLS_JSON,
  }),
  model('groq', 'qwen/qwen3-32b', {
    family: 'qwen3-32b',
    displayName: 'Qwen3 32B',
    usd: ['0.29', '0.59'],
    context: 131_072,
    maxOutput: 40_960,
    capabilities: TOOLS_JSON,
    minTier: 'starter',
    powerLevels: ['eco', 'balanced'],
    quality: 7,
    strengths: ['code', 'analysis'],
  }),
  // Together AI
  model('together', 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo', {
    ...LLAMA_31_8B,
    ...SMALL_CHAT,
    usd: ['0.18', '0.18'],
    context: 131_072,
    maxOutput: 8_192,
    capabilities: TOOLS_JSON,
  }),
  model('together', 'meta-llama/Llama-3.3-70B-Instruct-Turbo', {
    ...LLAMA_33_70B,
    ...LARGE_OPEN,
    usd: ['0.88', '0.88'],
    context: 131_072,
    maxOutput: 8_192,
    capabilities: TOOLS_JSON,
  }),
  model('together', 'Qwen/Qwen2.5-Coder-32B-Instruct', {
    ...QWEN_CODER_32B,
    ...CODER,
    usd: ['0.80', '0.80'],
    context: 32_768,
    maxOutput: 8_192,
    capabilities: TEXT_JSON,
  }),
  model('together', 'Qwen/Qwen2.5-72B-Instruct-Turbo', {
    family: 'qwen2.5-72b',
    displayName: 'Qwen2.5 72B Instruct',
    usd: ['1.20', '1.20'],
    context: 32_768,
    maxOutput: 8_192,
    capabilities: TOOLS_JSON,
    minTier: 'starter',
    powerLevels: ['balanced'],
    quality: 7,
    strengths: ['analysis', 'chat'],
  }),
  model('together', 'deepseek-ai/DeepSeek-V3', {
    ...DEEPSEEK_V3,
    ...V3,
    usd: ['1.25', '1.25'],
    context: 131_072,
    maxOutput: 8_192,
    capabilities: TOOLS_JSON,
  }),
  model('together', 'deepseek-ai/DeepSeek-R1', {
    ...DEEPSEEK_R1,
    ...R1,
    usd: ['3.00', '7.00'],
    context: 163_840,
    maxOutput: 32_768,
    capabilities: TEXT_ONLY,
  }),
  model('together', 'mistralai/Mixtral-8x7B-Instruct-v0.1', {
    ...MIXTRAL,
    ...SMALL_CHAT,
    usd: ['0.60', '0.60'],
    context: 32_768,
    maxOutput: 8_192,
    capabilities: TEXT_JSON,
  }),
  // Fireworks AI
  model('fireworks', 'accounts/fireworks/models/llama-v3p1-8b-instruct', {
    ...LLAMA_31_8B,
    ...SMALL_CHAT,
    usd: ['0.20', '0.20'],
    context: 131_072,
    maxOutput: 16_384,
    capabilities: TOOLS_JSON,
  }),
  model('fireworks', 'accounts/fireworks/models/llama-v3p3-70b-instruct', {
    ...LLAMA_33_70B,
    ...LARGE_OPEN,
    usd: ['0.90', '0.90'],
    context: 131_072,
    maxOutput: 16_384,
    capabilities: TOOLS_JSON,
  }),
  model('fireworks', 'accounts/fireworks/models/deepseek-v3', {
    ...DEEPSEEK_V3,
    ...V3,
    usd: ['0.90', '0.90'],
    context: 131_072,
    maxOutput: 16_384,
    capabilities: TOOLS_JSON,
  }),
  model('fireworks', 'accounts/fireworks/models/deepseek-r1', {
    ...DEEPSEEK_R1,
    ...R1,
    usd: ['3.00', '8.00'],
    context: 163_840,
    maxOutput: 32_768,
    capabilities: TEXT_ONLY,
  }),
  model('fireworks', 'accounts/fireworks/models/qwen2p5-coder-32b-instruct', {
    ...QWEN_CODER_32B,
    ...CODER,
    usd: ['0.90', '0.90'],
    context: 32_768,
    maxOutput: 8_192,
    capabilities: TEXT_JSON,
  }),
  // DeepInfra (several ids match Together's: the same id on two providers is the same model)
  model('deepinfra', 'meta-llama/Meta-Llama-3.1-8B-Instruct', {
    ...LLAMA_31_8B,
    ...SMALL_CHAT,
    usd: ['0.03', '0.05'],
    context: 131_072,
    maxOutput: 8_192,
    capabilities: TOOLS_JSON,
  }),
  model('deepinfra', 'meta-llama/Llama-3.3-70B-Instruct-Turbo', {
    ...LLAMA_33_70B,
    ...LARGE_OPEN,
    usd: ['0.13', '0.39'],
    context: 131_072,
    maxOutput: 8_192,
    capabilities: TOOLS_JSON,
  }),
  model('deepinfra', 'deepseek-ai/DeepSeek-V3', {
    ...DEEPSEEK_V3,
    ...V3,
    usd: ['0.38', '0.89'],
    context: 131_072,
    maxOutput: 8_192,
    capabilities: TOOLS_JSON,
  }),
  model('deepinfra', 'deepseek-ai/DeepSeek-R1', {
    ...DEEPSEEK_R1,
    ...R1,
    usd: ['0.75', '2.40'],
    context: 163_840,
    maxOutput: 32_768,
    capabilities: TEXT_ONLY,
  }),
  model('deepinfra', 'Qwen/Qwen2.5-Coder-32B-Instruct', {
    ...QWEN_CODER_32B,
    ...CODER,
    usd: ['0.07', '0.16'],
    context: 32_768,
    maxOutput: 8_192,
    capabilities: TEXT_JSON,
  }),
  model('deepinfra', 'mistralai/Mixtral-8x7B-Instruct-v0.1', {
    ...MIXTRAL,
    ...SMALL_CHAT,
    usd: ['0.24', '0.24'],
    context: 32_768,
    maxOutput: 8_192,
    capabilities: TEXT_JSON,
  }),
  // OpenRouter (its ids are `vendor/model`, which is why a provider prefix is matched with care)
  model('openrouter', 'meta-llama/llama-3.3-70b-instruct', {
    ...LLAMA_33_70B,
    ...LARGE_OPEN,
    usd: ['0.13', '0.40'],
    context: 131_072,
    maxOutput: 16_384,
    capabilities: TOOLS_JSON,
  }),
  model('openrouter', 'deepseek/deepseek-chat', {
    ...DEEPSEEK_V3,
    ...V3,
    usd: ['0.30', '0.85'],
    context: 163_840,
    maxOutput: 16_384,
    capabilities: TOOLS_JSON,
  }),
  model('openrouter', 'deepseek/deepseek-r1', {
    ...DEEPSEEK_R1,
    ...R1,
    usd: ['0.50', '2.15'],
    context: 163_840,
    maxOutput: 32_768,
    capabilities: TEXT_ONLY,
  }),
  model('openrouter', 'openai/gpt-4o-mini', {
    family: 'gpt-4o-mini',
    displayName: 'GPT-4o mini',
    usd: ['0.15', '0.60'],
    context: 128_000,
    maxOutput: 16_384,
    capabilities: TOOLS_VISION_JSON,
    minTier: 'free',
    powerLevels: ['eco', 'balanced'],
    quality: 6,
    strengths: ['chat'],
  }),
  model('openrouter', 'anthropic/claude-sonnet-4.5', {
    family: 'claude-sonnet-4.5',
    displayName: 'Claude Sonnet 4.5',
    usd: ['3.00', '15.00'],
    context: 200_000,
    maxOutput: 64_000,
    capabilities: TOOLS_VISION,
    minTier: 'professional',
    powerLevels: ['balanced', 'precision'],
    quality: 9,
    strengths: ['code', 'creative', 'analysis'],
  }),
  // Hugging Face router (bills the serving partner's rate; these are the common partner prices)
  model('huggingface', 'meta-llama/Llama-3.3-70B-Instruct', {
    ...LLAMA_33_70B,
    ...LARGE_OPEN,
    usd: ['0.88', '0.88'],
    context: 131_072,
    maxOutput: 8_192,
    capabilities: TOOLS_JSON,
  }),
  model('huggingface', 'deepseek-ai/DeepSeek-R1', {
    ...DEEPSEEK_R1,
    ...R1,
    usd: ['3.00', '7.00'],
    context: 163_840,
    maxOutput: 32_768,
    capabilities: TEXT_ONLY,
  }),
  model('huggingface', 'Qwen/Qwen2.5-Coder-32B-Instruct', {
    ...QWEN_CODER_32B,
    ...CODER,
    usd: ['0.20', '0.20'],
    context: 32_768,
    maxOutput: 8_192,
    capabilities: TEXT_JSON,
  }),
  // Local: Ollama and vLLM
  model('ollama', 'llama3.1:8b', {
    ...LLAMA_31_8B,
    ...LOCAL,
    context: 131_072,
    maxOutput: 8_192,
    capabilities: TOOLS_JSON,
    strengths: ['chat'],
  }),
  model('ollama', 'qwen2.5-coder:7b', {
    ...QWEN_CODER_7B,
    ...LOCAL,
    context: 32_768,
    maxOutput: 8_192,
    capabilities: TOOLS_JSON,
    strengths: ['code'],
  }),
  model('vllm', 'meta-llama/Llama-3.1-8B-Instruct', {
    ...LLAMA_31_8B,
    ...LOCAL,
    context: 131_072,
    maxOutput: 8_192,
    capabilities: TOOLS_JSON,
    strengths: ['chat'],
  }),
  model('vllm', 'Qwen/Qwen2.5-Coder-7B-Instruct', {
    ...QWEN_CODER_7B,
    ...LOCAL,
    context: 32_768,
    maxOutput: 8_192,
    capabilities: TOOLS_JSON,
    strengths: ['code'],
  }),
  // Embeddings: named by the client, never picked by `auto`, priced by input tokens only
  embedding('openai', 'text-embedding-3-small', {
    ...TEXT_EMBEDDING_3_SMALL,
    usd: '0.02',
    context: 8_191,
    dimensions: 1_536,
    minTier: 'free',
  }),
  embedding('openai', 'text-embedding-3-large', {
    family: 'text-embedding-3-large',
    displayName: 'text-embedding-3-large',
    usd: '0.13',
    context: 8_191,
    dimensions: 3_072,
    minTier: 'free',
    quality: 8,
  }),
  // Hugging Face bills its own inference by compute time, not per token: see catalog-sources.md.
  embedding('huggingface', 'intfloat/multilingual-e5-large-instruct', {
    family: 'multilingual-e5-large-instruct',
    displayName: 'Multilingual E5 Large Instruct',
    usd: '0.02',
    context: 512,
    dimensions: 1_024,
    minTier: 'free',
    quality: 8,
  }),
  embedding('together', 'BAAI/bge-large-en-v1.5', {
    ...BGE_LARGE_EN,
    usd: '0.02',
    context: 512,
    dimensions: 1_024,
    minTier: 'free',
  }),
  embedding('deepinfra', 'BAAI/bge-large-en-v1.5', {
    ...BGE_LARGE_EN,
    usd: '0.01',
    context: 512,
    dimensions: 1_024,
    minTier: 'free',
  }),
  embedding('deepinfra', 'BAAI/bge-m3', {
    ...BGE_M3,
    usd: '0.01',
    context: 8_192,
    dimensions: 1_024,
    minTier: 'free',
  }),
  embedding('fireworks', 'nomic-ai/nomic-embed-text-v1.5', {
    ...NOMIC_EMBED,
    usd: '0.008',
    context: 8_192,
    dimensions: 768,
    minTier: 'free',
  }),
  embedding('ollama', 'nomic-embed-text', {
    ...NOMIC_EMBED,
    usd: '0',
    context: 8_192,
    dimensions: 768,
    minTier: 'free',
  }),
  embedding('vllm', 'BAAI/bge-m3', {
    ...BGE_M3,
    usd: '0',
    context: 8_192,
    dimensions: 1_024,
    minTier: 'free',
  }),
];
