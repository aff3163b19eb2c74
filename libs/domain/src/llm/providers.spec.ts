import { refusal } from '../local-users/testing';
import {
  assertApiKeyFormat,
  findProvider,
  isProviderId,
  parseProviderId,
  PROVIDER_IDS,
  PROVIDERS,
  upstreamBaseUrl,
} from './providers';

describe('providers', () => {
  it('describes every provider id once', () => {
    expect(PROVIDERS.map((info) => info.id)).toEqual([...PROVIDER_IDS]);
  });

  it('marks only vLLM and Ollama local, and leaves their address to the operator', () => {
    expect(PROVIDERS.filter((info) => info.local).map((info) => info.id)).toEqual(['vllm', 'ollama']);
    for (const info of PROVIDERS) expect(info.defaultBaseUrl === null).toBe(info.local);
  });

  it('points cloud providers at their public https endpoints', () => {
    expect(findProvider('groq')?.defaultBaseUrl).toBe('https://api.groq.com/openai/v1');
    expect(findProvider('huggingface')?.defaultBaseUrl).toBe('https://router.huggingface.co/v1');
    for (const info of PROVIDERS.filter((each) => !each.local)) {
      expect(info.defaultBaseUrl).toMatch(/^https:\/\/[a-z.]+\/[a-z0-9/]+$/);
    }
  });

  it('reads each base URL as its provider’s SDK does: Anthropic’s without /v1 (or with it), others as given', () => {
    const anthropic = findProvider('anthropic')!;
    for (const written of [
      'https://api.anthropic.com',
      'https://api.anthropic.com/',
      'https://api.anthropic.com/v1',
    ]) {
      expect(upstreamBaseUrl(anthropic, written)).toBe('https://api.anthropic.com/v1');
    }
    expect(upstreamBaseUrl(anthropic, 'https://proxy.example/anthropic')).toBe(
      'https://proxy.example/anthropic/v1',
    );
    expect(upstreamBaseUrl(findProvider('openai')!, 'https://api.openai.com/v1/')).toBe(
      'https://api.openai.com/v1',
    );
    expect(upstreamBaseUrl(findProvider('deepinfra')!, 'https://api.deepinfra.com/v1/openai')).toBe(
      'https://api.deepinfra.com/v1/openai',
    );
  });

  it('speaks the Anthropic wire format only to Anthropic', () => {
    expect(PROVIDERS.filter((info) => info.wireFormat === 'anthropic').map((info) => info.id)).toEqual([
      'anthropic',
    ]);
  });

  it('names each environment prefix after the provider', () => {
    expect(PROVIDERS.map((info) => info.envPrefix)).toEqual(PROVIDER_IDS.map((id) => id.toUpperCase()));
  });

  it('recognises provider ids and nothing else', () => {
    expect(isProviderId('groq')).toBe(true);
    expect(isProviderId('Groq')).toBe(false);
    expect(isProviderId('meta-llama')).toBe(false);
    expect(isProviderId(undefined)).toBe(false);
    expect(findProvider('toString')).toBeUndefined();
    expect(parseProviderId('openai')).toBe('openai');
    const error = refusal(() => parseProviderId('azure'));
    expect([error.code, error.field]).toEqual(['invalid', 'provider']);
  });

  const body = 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4';
  it.each([
    ['openai', `sk-proj-${body}`],
    ['openai', `sk-${body}`],
    ['anthropic', `sk-ant-api03-${body}`],
    ['groq', `gsk_${body}`],
    ['huggingface', `hf_${body}`],
    ['openrouter', `sk-or-v1-${'0123456789abcdef'.repeat(4)}`],
    ['together', `tgp_v1_${body}`],
    ['together', 'ab'.repeat(32)],
    ['fireworks', `fw_${body}`],
    ['deepinfra', body],
    ['vllm', 'anything at all'],
  ] as const)('accepts a %s key of the issued form', (provider, key) => {
    expect(() => assertApiKeyFormat(provider, key)).not.toThrow();
  });

  it.each([
    ["Anthropic's key given to OpenAI", 'openai', `sk-ant-api03-${body}`],
    ["OpenRouter's key given to OpenAI", 'openai', `sk-or-v1-${body}`],
    ['an OpenAI key given to Anthropic', 'anthropic', `sk-${body}`],
    ["Hugging Face's key given to Groq", 'groq', `hf_${body}`],
    ['a truncated key', 'huggingface', 'hf_short'],
    ['a trailing space', 'deepinfra', `${body} `],
    ["neither of Together's forms", 'together', 'not-a-key'],
  ] as const)('refuses %s, without repeating the key', (_why, provider, key) => {
    const error = refusal(() => assertApiKeyFormat(provider, key));
    expect([error.code, error.field]).toEqual(['invalid', 'api_key']);
    expect(error.message).not.toContain(key.trim());
  });
});
