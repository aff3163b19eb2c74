import type { ModelInfo } from './catalog';
import { qualifiedModelId } from './catalog';
import { DEFAULT_CATALOG } from './default-catalog';
import { NO_MARGIN } from './margin';
import { DEFAULT_POWER_LEVEL_CEILINGS, POWER_LEVELS } from './power-levels';
import { findProvider, PROVIDER_IDS, type ProviderId } from './providers';
import {
  requestWorstCase,
  route,
  routingControlsConflict,
  type ProviderRouteState,
  type RouteInput,
  type RoutingControls,
} from './router';
import { RoutingError, type RoutingFailure } from './routing-error';
import { tierAllows, TIERS } from './tiers';

function model(
  provider: ProviderId,
  id: string,
  fields: Partial<ModelInfo> & { usd: [number, number] },
): ModelInfo {
  const { usd, ...rest } = fields;
  return {
    id,
    provider,
    family: id,
    displayName: id,
    kind: 'chat',
    lifecycle: 'active',
    replacement: null,
    dimensions: null,
    inputMicrosPerMillion: BigInt(Math.round(usd[0] * 1_000_000)),
    outputMicrosPerMillion: BigInt(Math.round(usd[1] * 1_000_000)),
    contextLength: 131_072,
    maxOutputTokens: 16_384,
    capabilities: { tools: true, vision: false, json: true },
    minTier: 'free',
    powerLevels: ['eco', 'balanced', 'precision'],
    quality: 5,
    strengths: [],
    local: findProvider(provider)?.local ?? false,
    ...rest,
  };
}

const LLAMA_70B = {
  family: 'llama-3.3-70b',
  quality: 7,
  minTier: 'starter',
  powerLevels: ['eco', 'balanced'],
} as const;
const CATALOG: ModelInfo[] = [
  model('groq', 'llama-3.3-70b-versatile', { ...LLAMA_70B, usd: [0.59, 0.79], strengths: ['chat'] }),
  model('together', 'meta-llama/Llama-3.3-70B-Instruct-Turbo', { ...LLAMA_70B, usd: [0.88, 0.88] }),
  model('deepinfra', 'meta-llama/Llama-3.3-70B-Instruct-Turbo', { ...LLAMA_70B, usd: [0.13, 0.39] }),
  model('huggingface', 'meta-llama/Llama-3.3-70B-Instruct', {
    ...LLAMA_70B,
    usd: [0.9, 0.9],
    minTier: 'professional',
  }),
  model('ollama', 'llama3.3:70b', {
    ...LLAMA_70B,
    usd: [0, 0],
    minTier: 'free',
    contextLength: 8_192,
    maxOutputTokens: 4_096,
  }),
  model('openai', 'gpt-4o-mini', {
    usd: [0.15, 0.6],
    quality: 6,
    powerLevels: ['eco', 'balanced'],
    strengths: ['chat'],
  }),
  model('groq', 'llama-3.1-8b-instant', {
    family: 'llama-3.1-8b',
    usd: [0.05, 0.08],
    quality: 4,
    powerLevels: ['eco'],
  }),
  model('fireworks', 'qwen2p5-coder-32b-instruct', {
    usd: [0.9, 0.9],
    quality: 7,
    minTier: 'starter',
    powerLevels: ['eco', 'balanced'],
    strengths: ['code'],
    capabilities: { tools: false, vision: false, json: true },
    contextLength: 32_768,
    maxOutputTokens: 8_192,
  }),
  model('anthropic', 'claude-sonnet-4-5', {
    usd: [3, 15],
    quality: 9,
    minTier: 'professional',
    powerLevels: ['balanced', 'precision'],
    strengths: ['code'],
    contextLength: 200_000,
    maxOutputTokens: 64_000,
  }),
  model('anthropic', 'claude-opus-4-5', {
    usd: [5, 25],
    quality: 10,
    minTier: 'enterprise',
    powerLevels: ['precision'],
    contextLength: 200_000,
  }),
  model('together', 'deepseek-ai/DeepSeek-R1', {
    usd: [3, 7],
    quality: 9,
    minTier: 'professional',
    powerLevels: ['precision'],
    strengths: ['analysis'],
    capabilities: { tools: false, vision: false, json: false },
    contextLength: 163_840,
  }),
  model('ollama', 'llama3.1:8b', { family: 'llama-3.1-8b', usd: [0, 0], quality: 4, strengths: ['chat'] }),
  model('vllm', 'Qwen/Qwen2.5-Coder-7B-Instruct', {
    usd: [0, 0],
    quality: 4,
    strengths: ['code'],
    contextLength: 32_768,
  }),
];

const allUp = (): Record<ProviderId, ProviderRouteState> =>
  Object.fromEntries(PROVIDER_IDS.map((id) => [id, { available: true, health: 'up' }])) as Record<
    ProviderId,
    ProviderRouteState
  >;

function input(overrides: Partial<RouteInput> = {}): RouteInput {
  return {
    catalog: CATALOG,
    requestedModel: 'auto',
    powerLevel: 'balanced',
    privacy: false,
    tier: 'starter',
    task: 'chat',
    promptTokens: 1_000,
    maxTokens: null,
    needsTools: false,
    needsVision: false,
    providers: allUp(),
    byokProviders: new Set(),
    ...overrides,
  };
}

const chain = (overrides: Partial<RouteInput> = {}) =>
  route(input(overrides)).candidates.map((candidate) => qualifiedModelId(candidate.model));

function routingRefusal(overrides: Partial<RouteInput>): RoutingError {
  try {
    route(input(overrides));
  } catch (error) {
    if (error instanceof RoutingError) return error;
    throw error;
  }
  throw new Error('expected routing to be refused');
}

function expectRefusal(overrides: Partial<RouteInput>, code: RoutingFailure, category: string): RoutingError {
  const error = routingRefusal(overrides);
  expect([error.routingCode, error.code]).toEqual([code, category]);
  return error;
}

const LLAMA_TURBO = 'meta-llama/Llama-3.3-70B-Instruct-Turbo';
const CHAT_ONLY = { tools: false, vision: false, json: true };

describe('route: a named model', () => {
  it('puts its own entries first, cheapest first, then the same family elsewhere', () => {
    const { candidates } = route(input({ requestedModel: LLAMA_TURBO, maxCandidates: 10 }));
    expect(candidates.map((c) => [qualifiedModelId(c.model), c.reason])).toEqual([
      [`deepinfra/${LLAMA_TURBO}`, 'requested model'],
      [`together/${LLAMA_TURBO}`, 'fallback: requested model on together'],
      ['ollama/llama3.3:70b', 'fallback: same family on ollama'],
      ['groq/llama-3.3-70b-versatile', 'fallback: same family on groq'],
    ]);
  });

  it('puts a pinned provider before everything else', () => {
    expect(chain({ requestedModel: `together/${LLAMA_TURBO}` })[0]).toBe(`together/${LLAMA_TURBO}`);
  });

  it("prefers the user's own key among the requested entries", () => {
    const { candidates } = route(
      input({ requestedModel: LLAMA_TURBO, byokProviders: new Set(['together']) }),
    );
    expect(candidates.slice(0, 2).map((c) => [c.model.provider, c.byok])).toEqual([
      ['together', true],
      ['deepinfra', false],
    ]);
  });

  it('uses a BYOK provider the platform has no key for', () => {
    const providers = { ...allUp(), together: { available: false, health: 'up' } } as const;
    expect(chain({ requestedModel: LLAMA_TURBO, providers })).not.toContain(`together/${LLAMA_TURBO}`);
    const { candidates } = route(
      input({ requestedModel: LLAMA_TURBO, providers, byokProviders: new Set(['together']) }),
    );
    expect(candidates[0]).toMatchObject({ byok: true, model: { provider: 'together' } });
  });

  it('falls back only to family entries the tier allows', () => {
    expect(chain({ requestedModel: 'llama-3.3-70b-versatile', maxCandidates: 10 })).not.toContain(
      'huggingface/meta-llama/Llama-3.3-70B-Instruct',
    );
    expect(
      chain({ requestedModel: 'llama-3.3-70b-versatile', tier: 'professional', maxCandidates: 10 }),
    ).toContain('huggingface/meta-llama/Llama-3.3-70B-Instruct');
  });

  it('refuses a model above the tier with 403 model_not_in_tier', () => {
    const error = expectRefusal(
      { requestedModel: 'claude-sonnet-4-5', tier: 'starter' },
      'model_not_in_tier',
      'forbidden',
    );
    expect(error.field).toBe('model');
    expect(error.message).toBe(
      "model 'claude-sonnet-4-5' needs the professional tier or higher; this account is on starter: " +
        "an admin can raise the plan's tier (PUT /api/v1/llm/credits/plan)",
    );
    expect(chain({ requestedModel: 'claude-sonnet-4-5', tier: 'professional' })).toEqual([
      'anthropic/claude-sonnet-4-5',
    ]);
  });

  it('refuses an unknown model with model_not_found', () => {
    const error = expectRefusal({ requestedModel: 'gpt-5-ultra' }, 'model_not_found', 'not_found');
    expect([error.field, error.message]).toEqual([
      'model',
      "model 'gpt-5-ultra' is not in the catalog (GET /v1/models lists the models there are)",
    ]);
  });

  it('skips providers that are down and tries degraded ones after the healthy', () => {
    const providers = {
      ...allUp(),
      groq: { available: true, health: 'down' },
      deepinfra: { available: true, health: 'degraded' },
    } as const;
    expect(chain({ requestedModel: LLAMA_TURBO, providers })).toEqual([
      `together/${LLAMA_TURBO}`,
      'ollama/llama3.3:70b',
      `deepinfra/${LLAMA_TURBO}`,
    ]);
  });

  it('answers provider_unavailable naming who is down, when it is retried, and who is not configured', () => {
    const providers = {
      groq: { available: true, health: 'down', retryAt: '2026-12-07T04:00:30.000Z' },
      together: { available: false, health: 'up' },
      deepinfra: { available: true, health: 'down', retryAt: null },
    } as const;
    const error = expectRefusal(
      { requestedModel: 'llama-3.3-70b-versatile', providers },
      'provider_unavailable',
      'conflict',
    );
    expect(error.message).toBe(
      "no provider serving 'llama-3.3-70b-versatile' is up: " +
        'groq is failing and its circuit breaker lets a trial call through at 2026-12-07T04:00:30.000Z; ' +
        'deepinfra is failing and a trial call is checking whether it is back; ' +
        'ollama and together are not configured here (set OLLAMA_BASE_URL or TOGETHER_API_KEY, ' +
        'or add your own together key with BYOK (POST /api/v1/llm/byok/keys))',
    );
  });

  it("names the requested model's provider, its variable and BYOK when only it could serve", () => {
    const providers = { ...allUp(), anthropic: { available: false, health: 'up' } } as const;
    const error = expectRefusal(
      { requestedModel: 'claude-sonnet-4-5', tier: 'professional', providers },
      'provider_not_configured',
      'conflict',
    );
    expect([error.field, error.message]).toEqual([
      'model',
      "only anthropic serves 'claude-sonnet-4-5', and it is not configured here: set ANTHROPIC_API_KEY, " +
        'or add your own anthropic key with BYOK (POST /api/v1/llm/byok/keys)',
    ]);
    // The user's own key is a configuration too.
    expect(
      chain({
        requestedModel: 'claude-sonnet-4-5',
        tier: 'professional',
        providers,
        byokProviders: new Set(['anthropic']),
      }),
    ).toEqual(['anthropic/claude-sonnet-4-5']);
  });

  it('lists every provider of the family with its variable, and BYOK only for the remote ones', () => {
    const providers = { ...allUp(), groq: { available: false, health: 'up' } } as const;
    const unconfigured = { ...providers, ollama: { available: false, health: 'up' } } as const;
    expect(chain({ requestedModel: 'llama-3.1-8b-instant', providers })).toEqual(['ollama/llama3.1:8b']);
    expect(
      expectRefusal(
        { requestedModel: 'llama-3.1-8b-instant', providers: unconfigured },
        'provider_not_configured',
        'conflict',
      ).message,
    ).toBe(
      "only ollama and groq serve 'llama-3.1-8b-instant', and none of them is configured here: " +
        'set OLLAMA_BASE_URL or GROQ_API_KEY, or add your own groq key with BYOK (POST /api/v1/llm/byok/keys)',
    );
  });

  it('leaves out entries whose context window the request does not fit', () => {
    expect(chain({ requestedModel: LLAMA_TURBO, promptTokens: 10_000, maxCandidates: 10 })).not.toContain(
      'ollama/llama3.3:70b',
    );
  });

  it('refuses with context_length_exceeded when no entry fits prompt plus max_tokens', () => {
    const tooLong = expectRefusal(
      { requestedModel: LLAMA_TURBO, promptTokens: 140_000 },
      'context_length_exceeded',
      'invalid',
    );
    expect(tooLong.field).toBe('messages');
    expect(tooLong.message).toContain('131072');
    expectRefusal(
      { requestedModel: LLAMA_TURBO, promptTokens: 120_000, maxTokens: 20_000 },
      'context_length_exceeded',
      'invalid',
    );
    expect(chain({ requestedModel: LLAMA_TURBO, promptTokens: 120_000, maxTokens: 10_000 })).toHaveLength(3);
  });

  it('does not filter its own entries by tools, but does the fallbacks', () => {
    expect(chain({ requestedModel: 'qwen2p5-coder-32b-instruct', needsTools: true })).toEqual([
      'fireworks/qwen2p5-coder-32b-instruct',
    ]);
  });
});

describe('route: a request with images', () => {
  const SEEING = { tools: true, vision: true, json: true };
  const catalog = CATALOG.map((entry) =>
    entry.id === 'gpt-4o-mini' || entry.id === 'claude-sonnet-4-5'
      ? { ...entry, capabilities: SEEING }
      : entry,
  );

  it('refuses a named model without vision with 400 image_not_supported, whoever serves it', () => {
    const error = expectRefusal(
      { catalog, requestedModel: LLAMA_TURBO, needsVision: true },
      'image_not_supported',
      'invalid',
    );
    expect([error.field, error.message]).toEqual([
      'messages',
      `model '${LLAMA_TURBO}' does not accept images`,
    ]);
    expect(chain({ catalog, requestedModel: 'gpt-4o-mini', needsVision: true })).toEqual([
      'openai/gpt-4o-mini',
    ]);
  });

  it('picks only models with vision under auto, and refuses when the tier has none', () => {
    expect(chain({ catalog, needsVision: true, tier: 'professional', maxCandidates: 10 })).toEqual([
      'openai/gpt-4o-mini',
      'anthropic/claude-sonnet-4-5',
    ]);
    expectRefusal({ needsVision: true }, 'image_not_supported', 'invalid');
  });
});

describe('route: privacy mode', () => {
  it('never returns a cloud model under auto, whatever the power level', () => {
    for (const powerLevel of POWER_LEVELS) {
      const { candidates } = route(
        input({ privacy: true, powerLevel, tier: 'enterprise', maxCandidates: 10 }),
      );
      expect(candidates.length).toBeGreaterThan(0);
      expect(candidates.every((c) => c.model.local)).toBe(true);
    }
  });

  it('serves a named cloud model from its local family member', () => {
    const { candidates } = route(input({ privacy: true, requestedModel: 'llama-3.1-8b-instant' }));
    expect(candidates.map((c) => [qualifiedModelId(c.model), c.reason])).toEqual([
      ['ollama/llama3.1:8b', 'privacy: same family on ollama'],
    ]);
  });

  it('fails closed when the named model has no local deployment', () => {
    const error = expectRefusal(
      { privacy: true, requestedModel: 'gpt-4o-mini' },
      'no_local_provider',
      'conflict',
    );
    expect(error.message).toBe(
      "privacy mode allows only local providers, and 'gpt-4o-mini' has no local deployment: " +
        'name a model that vllm or ollama serves (GET /v1/models lists them)',
    );
  });

  it('fails closed when no local provider is up, even with every cloud up and a BYOK key', () => {
    const providers = {
      ...allUp(),
      ollama: { available: true, health: 'down', retryAt: '2026-12-07T04:00:30.000Z' },
      vllm: { available: false, health: 'up' },
    } as const;
    const error = expectRefusal(
      { privacy: true, providers, byokProviders: new Set(['openai']) },
      'provider_unavailable',
      'conflict',
    );
    expect(error.message).toBe(
      'privacy mode allows only local providers, and none serving a model this request may use is up: ' +
        'ollama is failing and its circuit breaker lets a trial call through at 2026-12-07T04:00:30.000Z; ' +
        'vllm is not configured here (set VLLM_BASE_URL)',
    );
    expectRefusal(
      { privacy: true, providers, requestedModel: 'llama-3.1-8b-instant' },
      'provider_unavailable',
      'conflict',
    );
  });

  it('says which local server to configure when none is', () => {
    const providers = {
      ...allUp(),
      ollama: { available: false, health: 'up' },
      vllm: { available: false, health: 'up' },
    } as const;
    const error = expectRefusal(
      { privacy: true, providers, byokProviders: new Set(['openai']) },
      'no_local_provider',
      'conflict',
    );
    expect(error.message).toBe(
      'privacy mode allows only local providers, and none serving a model this request may use is configured: ' +
        "set VLLM_BASE_URL or OLLAMA_BASE_URL to a local server's address",
    );
  });
});

describe('route: auto', () => {
  const cloudOnly = {
    ...allUp(),
    ollama: { available: false, health: 'up' },
    vllm: { available: false, health: 'up' },
  } as const;

  it('eco picks the cheapest capable model, and a free local one first when there is one', () => {
    const { candidates } = route(input({ powerLevel: 'eco', providers: cloudOnly }));
    expect(qualifiedModelId(candidates[0].model)).toBe('groq/llama-3.1-8b-instant');
    expect(candidates[0].reason).toBe('auto/eco/chat: cheapest capable');
    expect(candidates.every((c) => c.model.powerLevels.includes('eco'))).toBe(true);
    expect(route(input({ powerLevel: 'eco' })).candidates[0].model.local).toBe(true);
  });

  it('eco counts a model strong at the task as a quarter cheaper', () => {
    const pair = [
      model('groq', 'coder', { usd: [0.1, 0.1], strengths: ['code'] }),
      model('together', 'chatter', { usd: [0.09, 0.09], strengths: ['chat'] }),
    ];
    expect(chain({ catalog: pair, powerLevel: 'eco', task: 'code' })).toEqual([
      'groq/coder',
      'together/chatter',
    ]);
    expect(chain({ catalog: pair, powerLevel: 'eco', task: 'chat' })).toEqual([
      'together/chatter',
      'groq/coder',
    ]);
    expect(chain({ catalog: pair, powerLevel: 'eco', task: 'rag' })).toEqual([
      'together/chatter',
      'groq/coder',
    ]);
  });

  it('eco ranks free models by quality and task strength', () => {
    const free = [
      model('ollama', 'coder', { usd: [0, 0], quality: 4, strengths: ['code'] }),
      model('vllm', 'chatter', { usd: [0, 0], quality: 4, strengths: ['chat'] }),
    ];
    expect(chain({ catalog: free, powerLevel: 'eco', task: 'code' })).toEqual([
      'ollama/coder',
      'vllm/chatter',
    ]);
    expect(chain({ catalog: free, powerLevel: 'eco', task: 'chat' })).toEqual([
      'vllm/chatter',
      'ollama/coder',
    ]);
  });

  it('balanced weighs quality against price', () => {
    const { candidates } = route(input({ powerLevel: 'balanced', task: 'rag', providers: cloudOnly }));
    expect(qualifiedModelId(candidates[0].model)).toBe(`deepinfra/${LLAMA_TURBO}`);
    expect(candidates[0].reason).toBe('auto/balanced/rag: best price/quality');
    expect(candidates[1].reason).toBe('fallback: auto/balanced/rag on groq');
    // Sonnet is better but twenty times the price: balanced keeps it behind the good cheap models.
    expect(chain({ powerLevel: 'balanced', tier: 'professional' })).not.toContain(
      'anthropic/claude-sonnet-4-5',
    );
    expect(chain({ powerLevel: 'precision', tier: 'professional' })).toContain('anthropic/claude-sonnet-4-5');
  });

  it('balanced lets a task strength outweigh a small price difference', () => {
    const pair = [
      model('groq', 'chatter', { usd: [0.2, 0.2], quality: 7, strengths: ['chat'] }),
      model('together', 'plain', { usd: [0.15, 0.15], quality: 7 }),
    ];
    expect(chain({ catalog: pair, task: 'chat' })).toEqual(['groq/chatter', 'together/plain']);
    expect(chain({ catalog: pair, task: 'rag' })).toEqual(['together/plain', 'groq/chatter']);
  });

  it('falls back to any model the tier allows when none is listed for the power level', () => {
    const { candidates } = route(input({ tier: 'free', powerLevel: 'precision', providers: cloudOnly }));
    expect(candidates.map((c) => qualifiedModelId(c.model))).toEqual([
      'openai/gpt-4o-mini',
      'groq/llama-3.1-8b-instant',
    ]);
    expect(candidates[0].reason).toBe('auto/precision/chat: highest quality');
  });

  it('lets aggregators follow the provider that serves the model itself among equals', () => {
    const twins = [
      model('openrouter', 'openai/twin', { family: 'twin', usd: [1, 1] }),
      model('openai', 'twin', { family: 'twin', usd: [1, 1] }),
    ];
    expect(chain({ catalog: twins })).toEqual(['openai/twin', 'openrouter/openai/twin']);
  });

  it('precision picks the highest quality the tier allows', () => {
    expect(chain({ powerLevel: 'precision', tier: 'enterprise' })[0]).toBe('anthropic/claude-opus-4-5');
    const { candidates } = route(input({ powerLevel: 'precision', tier: 'professional', task: 'code' }));
    expect(qualifiedModelId(candidates[0].model)).toBe('anthropic/claude-sonnet-4-5');
    expect(candidates[0].reason).toBe('auto/precision/code: highest quality');
  });

  it("lets the detected task's strengths break a tie in quality", () => {
    expect(chain({ powerLevel: 'precision', tier: 'professional', task: 'analysis' })[0]).toBe(
      'together/deepseek-ai/DeepSeek-R1',
    );
    expect(chain({ powerLevel: 'precision', tier: 'professional', task: 'code' })[0]).toBe(
      'anthropic/claude-sonnet-4-5',
    );
  });

  it('offers only models the tier allows', () => {
    for (const tier of TIERS) {
      for (const powerLevel of POWER_LEVELS) {
        const { candidates } = route(input({ tier, powerLevel, maxCandidates: 20 }));
        expect(candidates.every((c) => tierAllows(tier, c.model.minTier))).toBe(true);
      }
    }
    expect(chain({ tier: 'free', powerLevel: 'balanced', providers: cloudOnly })).toEqual([
      'openai/gpt-4o-mini',
    ]);
  });

  it('offers only tool-capable models when the request carries tools', () => {
    const ids = chain({ task: 'code', needsTools: true, powerLevel: 'balanced', maxCandidates: 20 });
    expect(ids).not.toContain('fireworks/qwen2p5-coder-32b-instruct');
    expect(chain({ task: 'code', powerLevel: 'balanced', maxCandidates: 20 })).toContain(
      'fireworks/qwen2p5-coder-32b-instruct',
    );
  });

  it('refuses with context_length_exceeded when no eligible model fits', () => {
    expectRefusal({ promptTokens: 150_000 }, 'context_length_exceeded', 'invalid');
    expect(chain({ promptTokens: 150_000, tier: 'professional' })).toEqual(['anthropic/claude-sonnet-4-5']);
  });

  it('tries every provider once before a second model of the same provider', () => {
    const providers = chain({ powerLevel: 'eco', providers: cloudOnly }).map((id) => id.split('/')[0]);
    expect(providers).toEqual(['groq', 'deepinfra', 'openai', 'together']);
  });

  it('puts degraded providers after healthy ones and skips those that are down', () => {
    const providers = {
      ...cloudOnly,
      groq: { available: true, health: 'degraded' },
      deepinfra: { available: true, health: 'down' },
    } as const;
    const ids = chain({ powerLevel: 'eco', providers, maxCandidates: 10 });
    expect(ids.slice(-2).every((id) => id.startsWith('groq/'))).toBe(true);
    expect(ids.some((id) => id.startsWith('deepinfra/'))).toBe(false);
  });

  it("prefers the user's own key among equals", () => {
    const twins = [
      model('groq', 'twin', { usd: [1, 1], quality: 7 }),
      model('together', 'twin', { usd: [1, 1], quality: 7 }),
    ];
    expect(chain({ catalog: twins })).toEqual(['groq/twin', 'together/twin']);
    const { candidates } = route(input({ catalog: twins, byokProviders: new Set(['together']) }));
    expect(candidates.map((c) => [c.model.provider, c.byok])).toEqual([
      ['together', true],
      ['groq', false],
    ]);
  });

  it("puts the user's own key ahead of a cheaper platform model: it costs them no credits", () => {
    const models = [
      model('groq', 'cheap', { usd: [0.1, 0.1], quality: 5 }),
      model('openai', 'dear', { usd: [5, 15], quality: 5 }),
    ];
    expect(chain({ catalog: models, powerLevel: 'eco' })[0]).toBe('groq/cheap');
    const { candidates } = route(
      input({ catalog: models, powerLevel: 'eco', byokProviders: new Set(['openai']) }),
    );
    expect(candidates.map((c) => [c.model.provider, c.byok])).toEqual([
      ['openai', true],
      ['groq', false],
    ]);
  });

  it('answers no_provider_configured, saying what to set, when nothing is configured at all', () => {
    const message =
      "no provider configured: set OPENAI_API_KEY or another provider's key (VLLM_BASE_URL or " +
      'OLLAMA_BASE_URL for a local server), or add your own key with BYOK (POST /api/v1/llm/byok/keys)';
    const nothing = Object.fromEntries(PROVIDER_IDS.map((id) => [id, { available: false, health: 'up' }]));
    for (const providers of [{}, nothing]) {
      for (const requestedModel of ['auto', 'claude-sonnet-4-5']) {
        const error = expectRefusal(
          { providers, requestedModel, tier: 'professional' },
          'no_provider_configured',
          'conflict',
        );
        expect(error.message).toBe(message);
      }
    }
  });

  it('refuses with model_not_in_tier, naming the plan setting, when the tier may use no model', () => {
    const catalog = [model('openai', 'big', { usd: [1, 1], minTier: 'professional' })];
    expect(expectRefusal({ catalog, tier: 'free' }, 'model_not_in_tier', 'forbidden').message).toBe(
      "the catalog has no model the free tier may use: an admin can raise the plan's tier " +
        '(PUT /api/v1/llm/credits/plan)',
    );
    const toolless = [model('openai', 'plain', { usd: [1, 1], capabilities: CHAT_ONLY })];
    expect(
      expectRefusal({ catalog: toolless, needsTools: true }, 'model_not_in_tier', 'forbidden').message,
    ).toMatch(/^no model the starter tier may use supports tools: /);
  });

  it('caps the chain at maxCandidates, four by default', () => {
    expect(chain({ powerLevel: 'eco' })).toHaveLength(4);
    expect(chain({ powerLevel: 'eco', maxCandidates: 2 })).toHaveLength(2);
  });

  it('does not depend on the order of the catalog', () => {
    const reversed = [...CATALOG].reverse();
    for (const powerLevel of POWER_LEVELS) {
      expect(chain({ catalog: reversed, powerLevel, tier: 'enterprise' })).toEqual(
        chain({ powerLevel, tier: 'enterprise' }),
      );
    }
  });
});

describe('route: the default catalog', () => {
  it('serves every tier at every power level, for every task, with a full chain', () => {
    for (const tier of TIERS) {
      for (const powerLevel of POWER_LEVELS) {
        const { candidates } = route(input({ catalog: DEFAULT_CATALOG, tier, powerLevel, task: 'code' }));
        expect(candidates).toHaveLength(4);
        expect(new Set(candidates.map((c) => qualifiedModelId(c.model))).size).toBe(4);
      }
    }
  });

  it('gives vision to the models that have it, and only to them', () => {
    const seeing = DEFAULT_CATALOG.filter((entry) => entry.capabilities.vision).map(qualifiedModelId);
    expect(seeing).toEqual([
      'openai/gpt-4o-mini',
      'openai/gpt-4o',
      'openai/gpt-4.1',
      'openai/gpt-4.1-mini',
      'openai/gpt-4.1-nano',
      'openai/o4-mini',
      'anthropic/claude-fable-5-1',
      'anthropic/claude-opus-5-5',
      'anthropic/claude-sonnet-5-5',
      'anthropic/claude-opus-5',
      'anthropic/claude-sonnet-5',
      'anthropic/claude-haiku-4-5',
      'anthropic/claude-sonnet-4-5',
      'anthropic/claude-opus-4-5',
      'openrouter/openai/gpt-4o-mini',
      'openrouter/anthropic/claude-sonnet-4.5',
    ]);
  });

  it('keeps privacy mode on the local models', () => {
    const { candidates } = route(
      input({ catalog: DEFAULT_CATALOG, privacy: true, powerLevel: 'precision', task: 'code' }),
    );
    expect(candidates.map((c) => c.model.provider).every((p) => p === 'ollama' || p === 'vllm')).toBe(true);
  });
});

describe('route: the routing controls of a request', () => {
  const LLAMA_CHAIN = (controls: RoutingControls, overrides: Partial<RouteInput> = {}) =>
    chain({ requestedModel: LLAMA_TURBO, maxCandidates: 10, controls, ...overrides });
  const reasons = (overrides: Partial<RouteInput>) =>
    route(input({ maxCandidates: 10, ...overrides })).candidates.map((c) => [
      qualifiedModelId(c.model),
      c.reason,
    ]);

  it('models: tries each listed model after the requested one, and the headers say which', () => {
    expect(
      reasons({
        requestedModel: 'claude-sonnet-4-5',
        tier: 'professional',
        controls: { models: ['gpt-4o-mini'] },
      }),
    ).toEqual([
      ['anthropic/claude-sonnet-4-5', 'requested model'],
      ['openai/gpt-4o-mini', "fallback: models[0] 'gpt-4o-mini'"],
    ]);
  });

  it('models: keeps a model of the list the tier refuses out, and refuses only when none can be served', () => {
    expect(chain({ requestedModel: 'claude-opus-4-5', controls: { models: ['gpt-4o-mini'] } })).toEqual([
      'openai/gpt-4o-mini',
    ]);
    expectRefusal(
      { requestedModel: 'claude-opus-4-5', controls: { models: ['claude-sonnet-4-5'] } },
      'model_not_in_tier',
      'forbidden',
    );
  });

  it('models: the attempt limit never drops a listed model; each keeps at least its first provider', () => {
    const models = { models: ['gpt-4o-mini', 'llama3.1:8b'] };
    expect(chain({ requestedModel: LLAMA_TURBO, maxCandidates: 2, controls: models })).toEqual([
      `deepinfra/${LLAMA_TURBO}`,
      'openai/gpt-4o-mini',
      'ollama/llama3.1:8b',
    ]);
    expect(chain({ requestedModel: LLAMA_TURBO, maxCandidates: 4, controls: models })).toEqual([
      `deepinfra/${LLAMA_TURBO}`,
      `together/${LLAMA_TURBO}`,
      'openai/gpt-4o-mini',
      'ollama/llama3.1:8b',
    ]);
  });

  it('order: the listed providers first, in that order, then the others', () => {
    expect(LLAMA_CHAIN({ order: ['groq', 'together'] })).toEqual([
      'groq/llama-3.3-70b-versatile',
      `together/${LLAMA_TURBO}`,
      `deepinfra/${LLAMA_TURBO}`,
      'ollama/llama3.3:70b',
    ]);
    expect(reasons({ requestedModel: LLAMA_TURBO, controls: { order: ['groq'] } })[0]).toEqual([
      'groq/llama-3.3-70b-versatile',
      'provider.order [groq]: llama-3.3-70b-versatile on groq',
    ]);
  });

  it('only and ignore: the request goes nowhere else, and says so when that leaves nothing', () => {
    expect(LLAMA_CHAIN({ only: ['together', 'groq'] })).toEqual([
      `together/${LLAMA_TURBO}`,
      'groq/llama-3.3-70b-versatile',
    ]);
    expect(LLAMA_CHAIN({ ignore: ['deepinfra', 'ollama'] })).toEqual([
      `together/${LLAMA_TURBO}`,
      'groq/llama-3.3-70b-versatile',
    ]);
    const error = expectRefusal(
      { requestedModel: 'gpt-4o-mini', controls: { only: ['groq'] } },
      'no_allowed_provider',
      'invalid',
    );
    expect(error.field).toBe('provider.only');
    expect(error.message).toBe(
      "'gpt-4o-mini' is served by openai here, and provider.only [groq] leaves none of them",
    );
    const autoProviders = chain({ maxCandidates: 10, controls: { ignore: ['ollama', 'vllm', 'groq'] } }).map(
      (id) => id.split('/')[0],
    );
    expect(autoProviders.length).toBeGreaterThan(0);
    expect(autoProviders.filter((id) => ['ollama', 'vllm', 'groq'].includes(id))).toEqual([]);
  });

  it('allow_fallbacks false: the first provider only, or only those of order', () => {
    expect(LLAMA_CHAIN({ allowFallbacks: false })).toEqual([`deepinfra/${LLAMA_TURBO}`]);
    expect(LLAMA_CHAIN({ allowFallbacks: false, order: ['together', 'groq'] })).toEqual([
      `together/${LLAMA_TURBO}`,
      'groq/llama-3.3-70b-versatile',
    ]);
    const error = expectRefusal(
      { requestedModel: 'gpt-4o-mini', controls: { allowFallbacks: false, order: ['groq'] } },
      'no_allowed_provider',
      'invalid',
    );
    expect(error.field).toBe('provider.order');
  });

  it('sort price: the cheapest provider first, whatever the default policy prefers', () => {
    expect(LLAMA_CHAIN({ sort: 'price' })).toEqual([
      'ollama/llama3.3:70b',
      `deepinfra/${LLAMA_TURBO}`,
      'groq/llama-3.3-70b-versatile',
      `together/${LLAMA_TURBO}`,
    ]);
    const { candidates } = route(
      input({ powerLevel: 'precision', tier: 'enterprise', controls: { sort: 'price' } }),
    );
    const prices = candidates.map((c) =>
      Number(c.model.inputMicrosPerMillion * 3n + c.model.outputMicrosPerMillion),
    );
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
  });

  it('sort latency: the lowest measured p50 first, p95 between equals, unmeasured providers last', () => {
    const providers = {
      ...allUp(),
      groq: { available: true, health: 'up', latencyP50Ms: 40, latencyP95Ms: 90 },
      together: { available: true, health: 'up', latencyP50Ms: 40, latencyP95Ms: 60 },
      deepinfra: { available: true, health: 'up', latencyP50Ms: 900, latencyP95Ms: 1_500 },
    } as const;
    expect(LLAMA_CHAIN({ sort: 'latency' }, { providers })).toEqual([
      `together/${LLAMA_TURBO}`,
      'groq/llama-3.3-70b-versatile',
      `deepinfra/${LLAMA_TURBO}`,
      'ollama/llama3.3:70b',
    ]);
  });

  it('sort throughput: the most tokens per second first', () => {
    const providers = {
      ...allUp(),
      groq: { available: true, health: 'up', tokensPerSecond: 300 },
      deepinfra: { available: true, health: 'up', tokensPerSecond: 40 },
      ollama: { available: true, health: 'up', tokensPerSecond: 80 },
    } as const;
    expect(LLAMA_CHAIN({ sort: 'throughput' }, { providers })).toEqual([
      'groq/llama-3.3-70b-versatile',
      'ollama/llama3.3:70b',
      `deepinfra/${LLAMA_TURBO}`,
      `together/${LLAMA_TURBO}`,
    ]);
  });

  it('still skips a provider that is down, whatever the order', () => {
    const providers = { ...allUp(), groq: { available: true, health: 'down' } } as const;
    expect(LLAMA_CHAIN({ order: ['groq'] }, { providers })[0]).toBe(`deepinfra/${LLAMA_TURBO}`);
  });
});

describe('routingControlsConflict', () => {
  it.each<[string, RoutingControls, string | null]>([
    ['gpt-4o-mini', { models: ['llama3.1:8b'], order: ['groq'], only: ['groq', 'openai'] }, null],
    ['auto', { models: ['gpt-4o-mini'] }, 'models'],
    ['gpt-4o-mini', { models: ['auto'] }, 'models'],
    ['gpt-4o-mini', { models: ['llama3.1:8b'], allowFallbacks: false }, 'models'],
    ['auto', { only: ['groq'], ignore: ['groq'] }, 'provider.ignore'],
    ['auto', { order: ['groq'], ignore: ['groq'] }, 'provider.order'],
    ['auto', { order: ['groq'], only: ['openai'] }, 'provider.order'],
  ])('%s with %j: %s', (model, controls, field) => {
    expect(routingControlsConflict(model, controls)?.field ?? null).toBe(field);
  });
});

describe('route: power level ceilings under auto', () => {
  const cloudOnly = {
    ...allUp(),
    ollama: { available: false, health: 'up' },
    vllm: { available: false, health: 'up' },
  } as const;
  const ceilings = DEFAULT_POWER_LEVEL_CEILINGS;

  it("picks only models whose worst case (prompt plus the whole output budget) fits the level's ceiling", () => {
    for (const powerLevel of POWER_LEVELS) {
      for (const maxTokens of [null, 256, 4_000]) {
        const request = { powerLevel, maxTokens, ceilings, tier: 'enterprise' } as const;
        for (const candidate of route(input({ ...request, maxCandidates: 10 })).candidates) {
          expect(requestWorstCase(input(request), candidate.model)).toBeLessThanOrEqual(ceilings[powerLevel]);
        }
      }
    }
  });

  it('lets a small max_tokens bring a cloud model under the eco ceiling', () => {
    // llama-3.1-8b-instant: 1,000 prompt tokens at $0.05 and 16,384 output tokens at $0.08 per million: 1,361.
    expect(() => route(input({ powerLevel: 'eco', providers: cloudOnly, ceilings }))).toThrow(RoutingError);
    expect(chain({ powerLevel: 'eco', providers: cloudOnly, ceilings, maxTokens: 1_000 })[0]).toBe(
      'groq/llama-3.1-8b-instant',
    );
  });

  it('refuses naming the cheapest model that would fit and the level whose ceiling it fits', () => {
    const error = expectRefusal(
      { powerLevel: 'eco', providers: cloudOnly, ceilings },
      'budget_exceeded',
      'invalid',
    );
    expect(error.field).toBe('power_level');
    expect(error.message).toBe(
      "no model fits the eco power level's ceiling of 1000 micro-USD for this request (about 1000 prompt tokens " +
        "plus each model's output limit); the cheapest model that could take it, llama-3.1-8b-instant on groq, " +
        "costs up to 1361 micro-USD, within the balanced level's ceiling of 10000: ask for power level balanced, " +
        'or lower max_tokens',
    );
  });

  it('says so when no level could pay for the request', () => {
    const tiny = { eco: 1n, balanced: 2n, precision: 3n };
    const error = expectRefusal(
      { powerLevel: 'balanced', providers: cloudOnly, ceilings: tiny, maxTokens: 100 },
      'budget_exceeded',
      'invalid',
    );
    expect(error.message).toContain("above every level's ceiling: lower max_tokens or shorten the prompt");
  });

  it('answers the reachability problem, not the budget, when nothing could serve at all', () => {
    const providers = Object.fromEntries(PROVIDER_IDS.map((id) => [id, { available: false, health: 'up' }]));
    expectRefusal({ powerLevel: 'eco', providers, ceilings }, 'no_provider_configured', 'conflict');
  });

  it("counts a model on the user's own key as free: the ceiling bounds what the account is charged", () => {
    const { candidates } = route(
      input({ powerLevel: 'eco', providers: cloudOnly, ceilings, byokProviders: new Set(['groq']) }),
    );
    expect(candidates[0]).toMatchObject({ byok: true, model: { id: 'llama-3.1-8b-instant' } });
    expect(requestWorstCase(input(), candidates[0].model, true)).toBe(0n);
  });

  it('compares the ceiling with what the account is charged, the tier markup included', () => {
    // llama-3.1-8b-instant, max_tokens 1,000: 130 micro-USD at list price, 156 with a 20% markup.
    const request = { powerLevel: 'eco', providers: cloudOnly, maxTokens: 1_000, tier: 'starter' } as const;
    const narrow = { ...ceilings, eco: 150n };
    expect(chain({ ...request, ceilings: narrow })[0]).toBe('groq/llama-3.1-8b-instant');
    const margin = { ...NO_MARGIN, markupBps: { ...NO_MARGIN.markupBps, starter: 2_000 } };
    const error = expectRefusal({ ...request, ceilings: narrow, margin }, 'budget_exceeded', 'invalid');
    expect(error.message).toContain('llama-3.1-8b-instant on groq, costs up to 156 micro-USD');
    // Another tier's markup does not apply.
    const othersMarkedUp = { ...NO_MARGIN, markupBps: { ...NO_MARGIN.markupBps, free: 2_000 } };
    expect(chain({ ...request, ceilings: narrow, margin: othersMarkedUp })[0]).toBe(
      'groq/llama-3.1-8b-instant',
    );
  });

  it('does not hold a named model to the ceiling: the client chose it', () => {
    expect(
      chain({ requestedModel: 'claude-sonnet-4-5', tier: 'professional', powerLevel: 'eco', ceilings })[0],
    ).toBe('anthropic/claude-sonnet-4-5');
  });
});

describe('route: model kinds and lifecycles', () => {
  const EMBEDDINGS: ModelInfo[] = [
    model('openai', 'text-embedding-3-small', { usd: [0.02, 0], kind: 'embedding', maxOutputTokens: 0 }),
    model('together', 'bge', { family: 'bge', usd: [0.02, 0], kind: 'embedding', maxOutputTokens: 0 }),
    model('deepinfra', 'bge', { family: 'bge', usd: [0.01, 0], kind: 'embedding', maxOutputTokens: 0 }),
  ];
  const RETIRING: ModelInfo[] = [
    model('anthropic', 'claude-old', {
      family: 'claude',
      usd: [3, 15],
      lifecycle: 'retired',
      replacement: 'claude-new',
    }),
    model('anthropic', 'claude-aging', {
      family: 'claude',
      usd: [3, 15],
      quality: 10,
      lifecycle: 'deprecated',
      replacement: 'claude-new',
    }),
    model('anthropic', 'claude-new', { family: 'claude', usd: [3, 15], quality: 9 }),
  ];
  const embeddingInput = (requestedModel: string) =>
    input({ catalog: [...CATALOG, ...EMBEDDINGS], kind: 'embedding', requestedModel, maxTokens: 0 });

  it('routes embeddings only to embedding models, with the same family as fallback', () => {
    expect(route(embeddingInput('bge')).candidates.map((c) => qualifiedModelId(c.model))).toEqual([
      'deepinfra/bge',
      'together/bge',
    ]);
  });

  it('never lets auto pick an embedding model for chat, nor a chat model answer embeddings', () => {
    const auto = route(input({ catalog: [...CATALOG, ...EMBEDDINGS], maxCandidates: 50 })).candidates;
    expect(auto.every((c) => c.model.kind === 'chat')).toBe(true);
    const chatAsked = expectRefusal(
      { catalog: [...CATALOG, ...EMBEDDINGS], requestedModel: 'text-embedding-3-small' },
      'wrong_model_kind',
      'invalid',
    );
    expect(chatAsked.message).toContain('POST /v1/embeddings');
    const embeddingAsked = routingRefusal({ ...embeddingInput('gpt-4o-mini') });
    expect(embeddingAsked.routingCode).toBe('wrong_model_kind');
    expect(routingRefusal(embeddingInput('auto')).routingCode).toBe('model_required');
  });

  it('refuses a retired model naming its replacement, and keeps it out of every fallback', () => {
    const error = expectRefusal(
      { catalog: RETIRING, requestedModel: 'claude-old', tier: 'enterprise' },
      'model_retired',
      'not_found',
    );
    expect(error.message).toContain("use 'claude-new' instead");
    const named = chain({ catalog: RETIRING, requestedModel: 'claude-aging', tier: 'enterprise' });
    expect(named).toEqual(['anthropic/claude-aging', 'anthropic/claude-new']);
  });

  it('still routes a deprecated model when named, but auto no longer picks it', () => {
    const auto = chain({ catalog: RETIRING, powerLevel: 'precision', tier: 'enterprise' });
    expect(auto).toEqual(['anthropic/claude-new']);
  });
});
