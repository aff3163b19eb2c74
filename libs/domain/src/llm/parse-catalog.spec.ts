import { refusal } from '../local-users/testing';
import { parseCatalog } from './parse-catalog';

const groqLlama = {
  id: 'llama-3.3-70b-versatile',
  provider: 'groq',
  family: 'llama-3.3-70b',
  display_name: 'Llama 3.3 70B',
  input_micros_per_million: '590000',
  output_micros_per_million: '790000',
  context_length: 131_072,
  max_output_tokens: 32_768,
  capabilities: { tools: true, vision: false, json: true },
  min_tier: 'starter',
  power_levels: ['eco', 'balanced'],
  quality: 7,
  strengths: ['chat', 'creative'],
};

function withoutMinTier(): Record<string, unknown> {
  const { min_tier: _omitted, ...rest } = groqLlama;
  return rest;
}

function refusedField(entry: Record<string, unknown>): { field?: string; message: string } {
  const error = refusal(() => parseCatalog([entry]));
  expect(error.code).toBe('invalid');
  return { field: error.field, message: error.message };
}

describe('parseCatalog', () => {
  it('turns an operator file into models, prices as bigint micro-USD', () => {
    const [model] = parseCatalog(JSON.stringify([groqLlama]));
    expect(model).toEqual({
      id: 'llama-3.3-70b-versatile',
      provider: 'groq',
      family: 'llama-3.3-70b',
      displayName: 'Llama 3.3 70B',
      kind: 'chat',
      lifecycle: 'active',
      replacement: null,
      dimensions: null,
      inputMicrosPerMillion: 590_000n,
      outputMicrosPerMillion: 790_000n,
      contextLength: 131_072,
      maxOutputTokens: 32_768,
      capabilities: { tools: true, vision: false, json: true },
      minTier: 'starter',
      powerLevels: ['eco', 'balanced'],
      quality: 7,
      strengths: ['chat', 'creative'],
      local: false,
    });
  });

  it('reads the optional long-context rates and web search price, and refuses malformed ones', () => {
    const [model] = parseCatalog([
      {
        ...groqLlama,
        input_micros_per_million_above_200k: '6000000',
        output_micros_per_million_above_200k: '22500000',
        web_search_micros_per_request: '10000',
      },
    ]);
    expect(model).toMatchObject({
      inputMicrosPerMillionAbove200k: 6_000_000n,
      outputMicrosPerMillionAbove200k: 22_500_000n,
      webSearchMicrosPerRequest: 10_000n,
    });
    expect(parseCatalog([groqLlama])[0]).not.toHaveProperty('inputMicrosPerMillionAbove200k');
    expect(refusedField({ ...groqLlama, web_search_micros_per_request: '-1' }).field).toBe(
      'catalog[0].web_search_micros_per_request',
    );
  });

  it('reads embedding models and lifecycles, and refuses values outside them', () => {
    const [embedding, retired] = parseCatalog([
      { ...groqLlama, id: 'embed', kind: 'embedding', max_output_tokens: 0, dimensions: 768 },
      { ...groqLlama, id: 'old', lifecycle: 'retired', replacement: 'llama-3.3-70b-versatile' },
    ]);
    expect([embedding.kind, embedding.maxOutputTokens, embedding.dimensions]).toEqual(['embedding', 0, 768]);
    expect([retired.lifecycle, retired.replacement]).toEqual(['retired', 'llama-3.3-70b-versatile']);
    expect(refusedField({ ...groqLlama, kind: 'image' }).field).toBe('catalog[0].kind');
    expect(refusedField({ ...groqLlama, lifecycle: 'sunset' }).field).toBe('catalog[0].lifecycle');
    // A chat model must be able to answer at least one token.
    expect(refusedField({ ...groqLlama, max_output_tokens: 0 }).field).toBe('catalog[0].max_output_tokens');
  });

  it('derives local from the provider, so no entry can pass a cloud model off as private', () => {
    const [cloud, local] = parseCatalog([
      groqLlama,
      { ...groqLlama, provider: 'ollama', id: 'llama3.3:70b' },
    ]);
    expect([cloud.local, local.local]).toEqual([false, true]);
    expect(refusedField({ ...groqLlama, local: true }).field).toBe('catalog[0].local');
  });

  it.each([
    ['a missing field', withoutMinTier(), 'catalog[0].min_tier', 'is required'],
    [
      'an unknown field (a typo)',
      { ...groqLlama, min_teir: 'free' },
      'catalog[0].min_teir',
      'not a known field',
    ],
    ['an unknown provider', { ...groqLlama, provider: 'azure' }, 'catalog[0].provider', 'must be one of'],
    [
      'a float price',
      { ...groqLlama, input_micros_per_million: 0.59 },
      'catalog[0].input_micros_per_million',
      '',
    ],
    [
      'a decimal price',
      { ...groqLlama, output_micros_per_million: '0.79' },
      'catalog[0].output_micros_per_million',
      '',
    ],
    [
      'a negative price',
      { ...groqLlama, input_micros_per_million: '-1' },
      'catalog[0].input_micros_per_million',
      '',
    ],
    ['a fractional context', { ...groqLlama, context_length: 1.5 }, 'catalog[0].context_length', 'integer'],
    [
      'output past the context',
      { ...groqLlama, max_output_tokens: 200_000 },
      'catalog[0].max_output_tokens',
      '',
    ],
    ['an unknown tier', { ...groqLlama, min_tier: 'gold' }, 'catalog[0].min_tier', 'free, starter'],
    ['no power level', { ...groqLlama, power_levels: [] }, 'catalog[0].power_levels', 'at least one'],
    [
      'an unknown power level',
      { ...groqLlama, power_levels: ['turbo'] },
      'catalog[0].power_levels[0]',
      'eco',
    ],
    ['an unknown strength', { ...groqLlama, strengths: ['chat', 'math'] }, 'catalog[0].strengths[1]', 'code'],
    ['quality 11', { ...groqLlama, quality: 11 }, 'catalog[0].quality', '1 to 10'],
    ['an id with a space', { ...groqLlama, id: 'llama 3' }, 'catalog[0].id', 'without spaces'],
    ['an empty display name', { ...groqLlama, display_name: ' ' }, 'catalog[0].display_name', ''],
    [
      'a capability as a string',
      { ...groqLlama, capabilities: { tools: 'yes', vision: false, json: true } },
      'catalog[0].capabilities.tools',
      '',
    ],
    [
      'a missing capability',
      { ...groqLlama, capabilities: { tools: true, vision: false } },
      'catalog[0].capabilities.json',
      'required',
    ],
  ])('refuses %s, naming the field', (_why, entry, field, words) => {
    const refused = refusedField(entry as Record<string, unknown>);
    expect(refused.field).toBe(field);
    expect(refused.message).toContain(field);
    expect(refused.message).toContain(words);
  });

  it('refuses the same model twice on one provider, but not on two', () => {
    expect(refusal(() => parseCatalog([groqLlama, groqLlama])).message).toBe(
      'catalog[1] repeats groq/llama-3.3-70b-versatile',
    );
    expect(parseCatalog([groqLlama, { ...groqLlama, provider: 'together' }])).toHaveLength(2);
  });

  it.each([
    ['not JSON', '[{', 'catalog is not valid JSON'],
    ['an object', { models: [] }, 'catalog must be a non-empty array of models'],
    ['an empty list', [], 'catalog must be a non-empty array of models'],
    ['a list of strings', ['gpt-4o'], 'catalog[0] must be an object'],
  ])('refuses %s as a whole', (_why, json, message) => {
    expect(refusal(() => parseCatalog(json)).message).toBe(message);
  });
});
