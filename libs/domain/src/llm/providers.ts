import { DomainError } from '../shared/domain-error';

export const PROVIDER_IDS = [
  'vllm',
  'ollama',
  'groq',
  'together',
  'fireworks',
  'deepinfra',
  'openrouter',
  'huggingface',
  'openai',
  'anthropic',
] as const;

export type ProviderId = (typeof PROVIDER_IDS)[number];

/** The request/response shape an upstream speaks; everything but Anthropic's Messages API is OpenAI-shaped. */
export type WireFormat = 'openai' | 'anthropic';

export interface ProviderInfo {
  readonly id: ProviderId;
  readonly displayName: string;
  readonly wireFormat: WireFormat;
  /** Runs on the platform's own machines: the only providers privacy mode may use. */
  readonly local: boolean;
  /** The public endpoint; null for local servers, whose address only the operator knows. */
  readonly defaultBaseUrl: string | null;
  /** Configuration comes from `<envPrefix>_BASE_URL` and `<envPrefix>_API_KEY`. */
  readonly envPrefix: string;
  /** A format check that catches a key pasted for the wrong provider; null where any key (or none) goes. */
  readonly keyPattern: RegExp | null;
  /**
   * The API version path the provider's own SDK adds to its base URL (Anthropic's: `/v1`), so that
   * `<envPrefix>_BASE_URL` is written without it; null where the base URL includes it (OpenAI's way).
   */
  readonly versionPath: string | null;
}

/*
 * Key formats as the providers issue them today. Where a provider has changed its format over time
 * (Together's `tgp_v1_` keys replaced 64 hex digits) both are accepted; where none is published
 * (Fireworks, DeepInfra) only the charset and a sane length are checked, so no real key is refused.
 * OpenAI's `sk-` must not swallow Anthropic's `sk-ant-` or OpenRouter's `sk-or-`.
 */
export const PROVIDERS: readonly ProviderInfo[] = [
  provider('vllm', 'vLLM', 'openai', true, null, 'VLLM', null),
  provider('ollama', 'Ollama', 'openai', true, null, 'OLLAMA', null),
  provider(
    'groq',
    'Groq',
    'openai',
    false,
    'https://api.groq.com/openai/v1',
    'GROQ',
    /^gsk_[A-Za-z0-9]{20,}$/,
  ),
  provider(
    'together',
    'Together AI',
    'openai',
    false,
    'https://api.together.xyz/v1',
    'TOGETHER',
    /^(tgp_v1_[A-Za-z0-9_-]{20,}|[a-f0-9]{64})$/,
  ),
  provider(
    'fireworks',
    'Fireworks AI',
    'openai',
    false,
    'https://api.fireworks.ai/inference/v1',
    'FIREWORKS',
    /^[A-Za-z0-9_-]{20,200}$/,
  ),
  provider(
    'deepinfra',
    'DeepInfra',
    'openai',
    false,
    'https://api.deepinfra.com/v1/openai',
    'DEEPINFRA',
    /^[A-Za-z0-9_-]{20,200}$/,
  ),
  provider(
    'openrouter',
    'OpenRouter',
    'openai',
    false,
    'https://openrouter.ai/api/v1',
    'OPENROUTER',
    /^sk-or-[A-Za-z0-9_-]{20,}$/,
  ),
  provider(
    'huggingface',
    'Hugging Face',
    'openai',
    false,
    'https://router.huggingface.co/v1',
    'HUGGINGFACE',
    /^hf_[A-Za-z0-9]{20,}$/,
  ),
  provider(
    'openai',
    'OpenAI',
    'openai',
    false,
    'https://api.openai.com/v1',
    'OPENAI',
    /^sk-(?!ant-|or-)[A-Za-z0-9_-]{20,}$/,
  ),
  provider(
    'anthropic',
    'Anthropic',
    'anthropic',
    false,
    'https://api.anthropic.com/v1',
    'ANTHROPIC',
    /^sk-ant-[A-Za-z0-9_-]{20,}$/,
    '/v1',
  ),
];

function provider(
  id: ProviderId,
  displayName: string,
  wireFormat: WireFormat,
  local: boolean,
  defaultBaseUrl: string | null,
  envPrefix: string,
  keyPattern: RegExp | null,
  versionPath: string | null = null,
): ProviderInfo {
  return { id, displayName, wireFormat, local, defaultBaseUrl, envPrefix, keyPattern, versionPath };
}

/**
 * Where requests go, up to and including the API version, from the base URL an operator wrote. Each
 * variable follows its provider's SDK: `OPENAI_BASE_URL` ends in `/v1` as the OpenAI SDK reads it;
 * `ANTHROPIC_BASE_URL` does not, as the Anthropic SDK reads it, though a trailing `/v1` is accepted
 * too and not doubled.
 */
export function upstreamBaseUrl(info: Pick<ProviderInfo, 'versionPath'>, configured: string): string {
  const trimmed = configured.replace(/\/+$/, '');
  if (info.versionPath === null || trimmed.endsWith(info.versionPath)) return trimmed;
  return `${trimmed}${info.versionPath}`;
}

const BY_ID = new Map(PROVIDERS.map((info) => [info.id, info]));

export function baseUrlVariable(info: Pick<ProviderInfo, 'envPrefix'>): string {
  return `${info.envPrefix}_BASE_URL`;
}

export function apiKeyVariable(info: Pick<ProviderInfo, 'envPrefix'>): string {
  return `${info.envPrefix}_API_KEY`;
}

/** What an operator sets to offer a provider: a local server's address, or the platform's key for a remote one. */
export function setupVariable(info: Pick<ProviderInfo, 'envPrefix' | 'local'>): string {
  return info.local ? baseUrlVariable(info) : apiKeyVariable(info);
}

export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === 'string' && BY_ID.has(value as ProviderId);
}

export function findProvider(id: string): ProviderInfo | undefined {
  return BY_ID.get(id as ProviderId);
}

export function parseProviderId(value: unknown, field = 'provider'): ProviderId {
  if (!isProviderId(value)) {
    throw new DomainError('invalid', `${field} must be one of ${PROVIDER_IDS.join(', ')}`, field);
  }
  return value;
}

/** Refuses a key that cannot belong to the provider; the message never repeats the key. */
export function assertApiKeyFormat(id: ProviderId, key: string, field = 'api_key'): void {
  const pattern = BY_ID.get(id)?.keyPattern;
  if (pattern && !pattern.test(key)) {
    throw new DomainError(
      'invalid',
      `${field} does not look like a ${BY_ID.get(id)?.displayName} API key`,
      field,
    );
  }
}
