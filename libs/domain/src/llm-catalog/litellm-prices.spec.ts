import { DEFAULT_CATALOG } from '../llm/default-catalog';
import { DomainError } from '../shared/domain-error';
import { applyCatalogChanges } from './catalog-changes';
import { diffLiteLlmPrices, usdPerTokenToMicrosPerMillion } from './litellm-prices';
import { llmCatalogDecider } from './llm-catalog.decider';

const TODAY = '2026-12-07';

describe('LiteLLM price lists', () => {
  it('converts USD per token to micro-USD per million tokens exactly, rounding up', () => {
    expect(usdPerTokenToMicrosPerMillion(1.5e-7)).toBe(150_000n);
    expect(usdPerTokenToMicrosPerMillion(0.000002)).toBe(2_000_000n);
    expect(usdPerTokenToMicrosPerMillion(2e-8)).toBe(20_000n);
    expect(usdPerTokenToMicrosPerMillion(1.23456789e-13)).toBe(1n);
    expect(usdPerTokenToMicrosPerMillion(0)).toBe(0n);
  });

  it("imports the cache rates a list gives, and keeps the catalog's where it gives none", () => {
    const entry = (extra: object) => ({
      'gpt-4o': {
        litellm_provider: 'openai',
        mode: 'chat',
        input_cost_per_token: 2.5e-6,
        output_cost_per_token: 1e-5,
        ...extra,
      },
    });
    const [change] = diffLiteLlmPrices(
      entry({ cache_read_input_token_cost: 1.25e-6, cache_creation_input_token_cost: 0 }),
      DEFAULT_CATALOG,
      TODAY,
    ).changes;
    expect(change.before).toMatchObject({
      cacheReadMicrosPerMillion: null,
      cacheWriteMicrosPerMillion: null,
    });
    expect(change.after).toMatchObject({
      cacheReadMicrosPerMillion: '1250000',
      cacheWriteMicrosPerMillion: '0',
    });
    const [gpt4o] = applyCatalogChanges(DEFAULT_CATALOG, [change]).filter((model) => model.id === 'gpt-4o');
    expect(gpt4o).toMatchObject({ cacheReadMicrosPerMillion: 1_250_000n, cacheWriteMicrosPerMillion: 0n });

    const haiku = diffLiteLlmPrices(
      {
        'claude-haiku-4-5': {
          litellm_provider: 'anthropic',
          input_cost_per_token: 2e-6,
          output_cost_per_token: 5e-6,
        },
      },
      DEFAULT_CATALOG,
      TODAY,
    ).changes[0];
    expect(haiku.after).toMatchObject({
      cacheReadMicrosPerMillion: '100000',
      cacheWriteMicrosPerMillion: '1250000',
    });
    expect(
      diffLiteLlmPrices(entry({ cache_read_input_token_cost: -1 }), DEFAULT_CATALOG, TODAY).rejected,
    ).toEqual([{ key: 'gpt-4o', problem: 'cache_read_input_token_cost must not be negative' }]);
  });

  it("imports LiteLLM's long-context rates, and keeps the catalog's where the list gives none", () => {
    const sonnet = (extra: object) => ({
      'claude-sonnet-4-5': {
        litellm_provider: 'anthropic',
        input_cost_per_token: 3e-6,
        output_cost_per_token: 1.5e-5,
        ...extra,
      },
    });
    const [change] = diffLiteLlmPrices(
      sonnet({
        input_cost_per_token_above_200k_tokens: 7e-6,
        output_cost_per_token_above_200k_tokens: 2.5e-5,
      }),
      DEFAULT_CATALOG,
      TODAY,
    ).changes;
    expect(change.before).toMatchObject({
      inputMicrosPerMillionAbove200k: '6000000',
      outputMicrosPerMillionAbove200k: '22500000',
    });
    expect(change.after).toMatchObject({
      inputMicrosPerMillionAbove200k: '7000000',
      outputMicrosPerMillionAbove200k: '25000000',
    });
    const [applied] = applyCatalogChanges(DEFAULT_CATALOG, [change]).filter(
      (model) => model.id === 'claude-sonnet-4-5' && model.provider === 'anthropic',
    );
    expect(applied).toMatchObject({
      inputMicrosPerMillionAbove200k: 7_000_000n,
      outputMicrosPerMillionAbove200k: 25_000_000n,
    });
    const diff = diffLiteLlmPrices(sonnet({}), DEFAULT_CATALOG, TODAY);
    expect(diff.unchanged).toBe(1);
    expect(
      diffLiteLlmPrices(sonnet({ input_cost_per_token_above_200k_tokens: 'x' }), DEFAULT_CATALOG, TODAY)
        .rejected,
    ).toEqual([
      { key: 'claude-sonnet-4-5', problem: 'input_cost_per_token_above_200k_tokens must be a number' },
    ]);
  });

  it('leaves cache rates alone when replaying a change from before they were recorded', () => {
    const {
      cacheReadMicrosPerMillion: _read,
      cacheWriteMicrosPerMillion: _write,
      ...schemaOne
    } = {
      inputMicrosPerMillion: '2000000',
      outputMicrosPerMillion: '5000000',
      cacheReadMicrosPerMillion: null,
      cacheWriteMicrosPerMillion: null,
      contextLength: 200_000,
      maxOutputTokens: 64_000,
      lifecycle: 'active' as const,
      replacement: null,
    };
    const change = { provider: 'anthropic', model: 'claude-haiku-4-5', before: schemaOne, after: schemaOne };
    const haiku = applyCatalogChanges(DEFAULT_CATALOG, [change]).find(
      (model) => model.id === 'claude-haiku-4-5',
    );
    expect(haiku).toMatchObject({ inputMicrosPerMillion: 2_000_000n, cacheReadMicrosPerMillion: 100_000n });
  });

  it('diffs the catalog models it names, and counts every other entry by provider', () => {
    const diff = diffLiteLlmPrices(
      {
        sample_spec: { litellm_provider: 'one of https://docs.litellm.ai/docs/providers' },
        'gpt-4o-mini': {
          litellm_provider: 'openai',
          mode: 'chat',
          input_cost_per_token: 1.2e-7,
          output_cost_per_token: 6e-7,
          max_input_tokens: 128000,
          max_output_tokens: 16384,
        },
        'text-embedding-3-small': {
          litellm_provider: 'openai',
          mode: 'embedding',
          input_cost_per_token: 2e-8,
          output_cost_per_token: 0,
          max_input_tokens: 8191,
        },
        'claude-sonnet-5-5': {
          litellm_provider: 'anthropic',
          mode: 'chat',
          input_cost_per_token: 0.000002,
          output_cost_per_token: 0.00001,
          deprecation_date: '2026-12-01',
        },
        'together_ai/some/new-model': {
          litellm_provider: 'together_ai',
          mode: 'chat',
          input_cost_per_token: 1e-7,
        },
        'vertex_ai/gemini': { litellm_provider: 'vertex_ai-language-models', mode: 'chat' },
        'bedrock/x': { litellm_provider: 'bedrock' },
      },
      DEFAULT_CATALOG,
      TODAY,
    );
    expect(diff.changes).toEqual([
      expect.objectContaining({
        provider: 'openai',
        model: 'gpt-4o-mini',
        before: expect.objectContaining({ inputMicrosPerMillion: '150000' }),
        after: expect.objectContaining({ inputMicrosPerMillion: '120000', outputMicrosPerMillion: '600000' }),
      }),
      expect.objectContaining({
        model: 'claude-sonnet-5-5',
        after: expect.objectContaining({ lifecycle: 'deprecated', contextLength: 1_000_000 }),
      }),
    ]);
    expect(diff.unchanged).toBe(1);
    expect(diff.unmatched).toEqual({ together: 1 });
    expect(diff.unknownProviders).toEqual({ 'vertex_ai-language-models': 1, bedrock: 1 });
    expect(diff.rejected).toEqual([]);
    const updated = applyCatalogChanges(DEFAULT_CATALOG, diff.changes);
    expect(
      updated.find((model) => model.id === 'gpt-4o-mini' && model.provider === 'openai')
        ?.inputMicrosPerMillion,
    ).toBe(120_000n);
  });

  it('rejects negative, missing or non-numeric prices and a mode that contradicts the catalog', () => {
    const entry = (fields: object) => ({ litellm_provider: 'openai', mode: 'chat', ...fields });
    const { rejected } = diffLiteLlmPrices(
      {
        'gpt-4o-mini': entry({ input_cost_per_token: -1e-7, output_cost_per_token: 6e-7 }),
        'gpt-4o': entry({ input_cost_per_token: 'NaN', output_cost_per_token: 1e-5 }),
        'gpt-4.1': entry({ input_cost_per_token: 2e-6 }),
        'text-embedding-3-small': entry({ input_cost_per_token: 2e-8, output_cost_per_token: 0 }),
        'gpt-4.1-mini': entry({
          input_cost_per_token: 4e-7,
          output_cost_per_token: 1.6e-6,
          max_input_tokens: 0,
        }),
      },
      DEFAULT_CATALOG,
      TODAY,
    );
    expect(rejected).toEqual([
      { key: 'gpt-4o-mini', problem: 'input_cost_per_token must not be negative' },
      { key: 'gpt-4o', problem: 'input_cost_per_token must be a number' },
      { key: 'gpt-4.1', problem: 'output_cost_per_token must be a number' },
      { key: 'text-embedding-3-small', problem: "mode chat does not match the catalog's embedding model" },
      { key: 'gpt-4.1-mini', problem: 'max_input_tokens must be an integer from 1 to 100000000' },
    ]);
    expect(() => diffLiteLlmPrices([], DEFAULT_CATALOG, TODAY)).toThrow(DomainError);
  });

  it('records a change on the version it was computed for, and refuses a stale one', () => {
    const change = {
      type: 'ChangeCatalog' as const,
      basedOnVersion: 0,
      source: { format: 'operator' as const, location: null, sha256: null },
    };
    const [event] = llmCatalogDecider.decide(
      { ...change, changes: [{ provider: 'openai', model: 'x', before: {} as never, after: {} as never }] },
      { version: 0 },
    );
    expect(event.data.version).toBe(1);
    expect(llmCatalogDecider.decide({ ...change, changes: [] }, { version: 0 })).toEqual([]);
    expect(() => llmCatalogDecider.decide({ ...change, changes: [] }, { version: 2 })).toThrow(/version 2/);
  });
});
