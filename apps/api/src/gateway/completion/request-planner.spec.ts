import {
  CreditRefusal,
  DEFAULT_CATALOG,
  NO_MARGIN,
  PROVIDER_IDS,
  requestWorstCase,
  worstCaseCostMicros,
  type CreditAccountState,
  type ProviderId,
  type ProviderRouteState,
} from '@ops/domain';
import type { AppConfig } from '@ops/infra/config/app-config';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import type { RequestCredits } from '../credits/request-credits';
import type { ProviderHealthService } from '../health/provider-health.service';
import type { LlmCatalog } from '../routing/llm-catalog';
import type { UserProviderKeys } from '../routing/user-provider-keys';
import type { RequestPreferences } from './gateway-request';
import { RequestPlanner } from './request-planner';

const CONTEXT = { actor: 'u', correlationId: 'c', causationId: null, source: 'api' } as CommandContext;

/** A planner over the built-in catalog, every provider up, a funded starter account and no BYOK key. */
function planner(config: Partial<AppConfig> = {}, available = 10_000_000n) {
  const reserved: bigint[] = [];
  const account = {
    balanceMicros: 10_000_000n,
    plan: { tier: 'starter', monthlyCapMicros: null, defaultPowerLevel: 'balanced', privacyMode: false },
  } as unknown as CreditAccountState;
  const credits = {
    account: () => Promise.resolve(account),
    reserve: (_user: string, _id: string, _request: string, amount: bigint) => {
      if (amount > available) return Promise.reject(new CreditRefusal('insufficient_credits', 'too dear'));
      reserved.push(amount);
      return Promise.resolve({ stored: Promise.resolve() });
    },
  } as unknown as RequestCredits;
  const states = Object.fromEntries(
    PROVIDER_IDS.map((id) => [
      id,
      { available: true, health: 'up', latencyP50Ms: id === 'together' ? 20 : 400 },
    ]),
  ) as Record<ProviderId, ProviderRouteState>;
  const health = { routeStates: () => states } as unknown as ProviderHealthService;
  const keys: UserProviderKeys = {
    providersWithKeys: () => Promise.resolve(new Set<string>()),
    keyFor: () => Promise.resolve(null),
  } as unknown as UserProviderKeys;
  const settings = {
    LLM_MAX_ATTEMPTS: 3,
    LLM_IMAGE_DATA_URL_MAX_BYTES: 700_000,
    LLM_BUDGET_ECO_MICROS: 1_000,
    LLM_BUDGET_BALANCED_MICROS: 10_000,
    LLM_BUDGET_PRECISION_MICROS: 100_000,
    ...config,
  } as AppConfig;
  const instance = new RequestPlanner(
    credits,
    { current: () => ({ version: 0, models: DEFAULT_CATALOG }) } as unknown as LlmCatalog,
    health,
    keys,
    settings,
    NO_MARGIN,
  );
  const plan = (model: string, preferences: Partial<RequestPreferences> = {}, maxTokens?: number) =>
    instance.plan(
      'request-1',
      0,
      { userId: 'u', apiKeyId: null },
      {
        model,
        messages: [{ role: 'user', content: 'Hello' }],
        ...(maxTokens ? { max_tokens: maxTokens } : {}),
      },
      { powerLevel: undefined, privacy: undefined, ...preferences },
      CONTEXT,
    );
  return { plan, reserved };
}

const LLAMA_70B = 'llama-3.3-70b';

describe('RequestPlanner: routing controls and power-level ceilings', () => {
  it("passes the request's controls to the router: order, only, sort and models shape the chain", async () => {
    const { plan } = planner();
    const providers = async (preferences: Partial<RequestPreferences>) =>
      (await plan(LLAMA_70B, preferences)).chain.map((link) => link.model.provider);
    const unsteered = await providers({});
    expect(unsteered[0]).not.toBe('together');
    expect((await providers({ routing: { sort: 'latency' } }))[0]).toBe('together');
    expect((await providers({ routing: { order: ['fireworks'] } }))[0]).toBe('fireworks');
    expect(await providers({ routing: { only: ['groq'] } })).toEqual(['groq']);
    const withModels = await plan(LLAMA_70B, { routing: { models: ['gpt-4o-mini'], allowFallbacks: true } });
    expect(withModels.chain.at(-1)?.model.id).toBe('gpt-4o-mini');
  });

  it('holds auto to the configured ceiling of the power level, and keeps the ceiling for the headers', async () => {
    const { plan } = planner({ LLM_BUDGET_ECO_MICROS: 1, LLM_BUDGET_BALANCED_MICROS: 2_000 });
    const cloud = { ignore: ['ollama', 'vllm'] as ProviderId[] };
    const planned = await plan('auto', { powerLevel: 'balanced', routing: cloud });
    expect(planned.ceilingMicros).toBe(2_000n);
    for (const link of planned.chain) {
      expect(worstCaseCostMicros(link.model, planned.promptTokens, planned.maxTokens)).toBeLessThanOrEqual(
        2_000n,
      );
    }
    await expect(plan('auto', { powerLevel: 'eco', routing: cloud })).rejects.toMatchObject({
      routingCode: 'budget_exceeded',
      field: 'power_level',
    });
  });

  it('lets a named model through above the ceiling, and holds its worst case', async () => {
    const { plan, reserved } = planner();
    const planned = await plan('gpt-4o-mini', { powerLevel: 'eco', routing: { allowFallbacks: false } });
    expect(planned.chain.map((link) => link.model.id)).toEqual(['gpt-4o-mini']);
    expect(planned.ceilingMicros).toBe(1_000n);
    expect(reserved[0]).toBeGreaterThan(1_000n);
  });
});

describe('RequestPlanner: the hold', () => {
  const fallbacks = { routing: { models: ['gpt-5.4-mini'], allowFallbacks: true } };

  it('holds the dearest worst case of the chain', async () => {
    const { plan, reserved } = planner();
    const planned = await plan('gpt-4.1-nano', fallbacks);
    const worst = planned.chain.map((link) => requestWorstCase(planned, link.model, link.byok));
    expect(planned.chain.map((link) => link.model.id)).toContain('gpt-5.4-mini');
    expect(reserved).toEqual([worst.reduce((max, amount) => (amount > max ? amount : max))]);
    expect(planned.reservation?.amountMicros).toBe(reserved[0]);
  });

  it("cuts a chain the balance cannot hold to the links the first one's hold covers", async () => {
    const whole = await planner().plan('gpt-4.1-nano', fallbacks);
    const first = requestWorstCase(whole, whole.chain[0].model);
    const { plan, reserved } = planner({}, first);
    const planned = await plan('gpt-4.1-nano', fallbacks);
    expect(reserved).toEqual([first]);
    expect(planned.chain[0].model.id).toBe('gpt-4.1-nano');
    expect(planned.reservation?.amountMicros).toBe(first);
    expect(planned.chain.map((link) => link.model.id)).not.toContain('gpt-5.4-mini');
    await expect(planner({}, first - 1n).plan('gpt-4.1-nano', fallbacks)).rejects.toBeInstanceOf(
      CreditRefusal,
    );
  });
});
