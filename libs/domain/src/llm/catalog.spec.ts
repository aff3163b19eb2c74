import { findModels, qualifiedModelId } from './catalog';
import { DEFAULT_CATALOG } from './default-catalog';
import { findProvider, PROVIDER_IDS } from './providers';

const ids = (requested: string) => findModels(DEFAULT_CATALOG, requested).models.map(qualifiedModelId);

describe('the default catalog', () => {
  it('lists each model once per provider, on every provider', () => {
    const keys = DEFAULT_CATALOG.map(qualifiedModelId);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(DEFAULT_CATALOG.map((model) => model.provider))).toEqual(new Set(PROVIDER_IDS));
    expect(DEFAULT_CATALOG.length).toBeGreaterThanOrEqual(30);
  });

  it('is local exactly where the provider is, and charges nothing for local models only', () => {
    for (const model of DEFAULT_CATALOG) {
      expect(model.local).toBe(findProvider(model.provider)?.local);
      expect(model.inputMicrosPerMillion === 0n && model.outputMicrosPerMillion === 0n).toBe(model.local);
    }
  });

  it('carries list prices in micro-USD per million tokens', () => {
    const mini = DEFAULT_CATALOG.find((model) => model.provider === 'openai' && model.id === 'gpt-4o-mini');
    expect([mini?.inputMicrosPerMillion, mini?.outputMicrosPerMillion]).toEqual([150_000n, 600_000n]);
    const sonnet = DEFAULT_CATALOG.find((model) => model.id === 'claude-sonnet-4-5');
    expect([sonnet?.inputMicrosPerMillion, sonnet?.outputMicrosPerMillion]).toEqual([
      3_000_000n,
      15_000_000n,
    ]);
  });

  it('keeps every entry coherent: output within context, a power level, quality 1-10', () => {
    for (const model of DEFAULT_CATALOG) {
      expect(model.maxOutputTokens).toBeLessThanOrEqual(model.contextLength);
      expect(model.powerLevels.length).toBeGreaterThan(0);
      expect(model.quality).toBeGreaterThanOrEqual(1);
      expect(model.quality).toBeLessThanOrEqual(10);
    }
  });
});

describe('findModels', () => {
  it('finds a bare id on every provider that serves it', () => {
    expect(ids('meta-llama/Llama-3.3-70B-Instruct-Turbo')).toEqual([
      'together/meta-llama/Llama-3.3-70B-Instruct-Turbo',
      'deepinfra/meta-llama/Llama-3.3-70B-Instruct-Turbo',
    ]);
    expect(findModels(DEFAULT_CATALOG, 'gpt-4o-mini').pinned).toBeNull();
  });

  it('pins the provider a known prefix names, keeping the same id elsewhere behind it', () => {
    const lookup = findModels(DEFAULT_CATALOG, 'deepinfra/meta-llama/Llama-3.3-70B-Instruct-Turbo');
    expect(lookup.pinned).toBe('deepinfra');
    expect(lookup.models.map(qualifiedModelId)).toEqual([
      'deepinfra/meta-llama/Llama-3.3-70B-Instruct-Turbo',
      'together/meta-llama/Llama-3.3-70B-Instruct-Turbo',
    ]);
    expect(ids('groq/llama-3.3-70b-versatile')).toEqual(['groq/llama-3.3-70b-versatile']);
    expect(ids('ollama/llama3.1:8b')).toEqual(['ollama/llama3.1:8b']);
  });

  it('reads a prefix that is not a provider as part of the id', () => {
    expect(ids('deepseek/deepseek-r1')).toEqual(['openrouter/deepseek/deepseek-r1']);
    expect(findModels(DEFAULT_CATALOG, 'deepseek/deepseek-r1').pinned).toBeNull();
  });

  it('lets a provider prefix win over an id that happens to start with it', () => {
    // 'openai/gpt-4o-mini' is also OpenRouter's id; the prefix names a provider that serves the rest.
    expect(ids('openai/gpt-4o-mini')).toEqual(['openai/gpt-4o-mini']);
    expect(ids('openrouter/openai/gpt-4o-mini')).toEqual(['openrouter/openai/gpt-4o-mini']);
  });

  it('reads the whole string as an id when the named provider does not serve the rest', () => {
    expect(ids('openai/gpt-4.1-mini-nonexistent')).toEqual([]);
    expect(ids('groq/gpt-4o-mini')).toEqual([]);
  });

  it('falls back to a family name', () => {
    expect(ids('llama-3.1-8b')).toHaveLength(6);
    expect(ids('claude-sonnet-4.5')).toEqual([
      'anthropic/claude-sonnet-4-5',
      'openrouter/anthropic/claude-sonnet-4.5',
    ]);
  });

  it('matches ids exactly, case included', () => {
    expect(ids('GPT-4o-mini')).toEqual([]);
    expect(ids('')).toEqual([]);
    expect(ids('/gpt-4o-mini')).toEqual([]);
  });
});

describe('the default catalog: kinds and lifecycles', () => {
  it('points every deprecated or retired model to an active model of its own kind', () => {
    const ended = DEFAULT_CATALOG.filter((model) => model.lifecycle !== 'active');
    expect(ended.map((model) => model.id)).toEqual(
      expect.arrayContaining(['claude-sonnet-4-5', 'claude-opus-4-5', 'claude-sonnet-5', 'claude-opus-5']),
    );
    for (const model of ended) {
      const replacement = DEFAULT_CATALOG.find(
        (entry) => entry.provider === model.provider && entry.id === model.replacement,
      );
      expect([model.id, replacement?.lifecycle, replacement?.kind]).toEqual([model.id, 'active', model.kind]);
    }
  });

  it('gives embedding models a vector length and no output tokens or output price', () => {
    const embeddings = DEFAULT_CATALOG.filter((model) => model.kind === 'embedding');
    expect(new Set(embeddings.map((model) => model.provider))).toEqual(
      new Set(['openai', 'together', 'deepinfra', 'fireworks', 'ollama', 'vllm', 'huggingface']),
    );
    for (const model of embeddings) {
      expect([model.maxOutputTokens, model.outputMicrosPerMillion]).toEqual([0, 0n]);
      expect(model.dimensions).toBeGreaterThan(0);
    }
  });
});
