import { Logger } from '@nestjs/common';
import { findProvider, type ModelInfo, type ProviderId } from '@ops/domain';
import type { AppConfig } from '@ops/infra/config/app-config';
import {
  UpstreamError,
  type ChatCompletionRequest,
  type ProviderEndpoints,
  type UpstreamClient,
  type UpstreamErrorKind,
  type UpstreamTarget,
} from '@ops/infra/llm-upstream';
import type { ProviderHealthService } from '../health/provider-health.service';
import type { UserProviderKeys } from '../routing/user-provider-keys';
import type { ChainLink, PlannedRequest } from './gateway-request';
import { ChainExhausted, UpstreamChain } from './upstream-chain';

function link(provider: ProviderId, byok = false): ChainLink {
  const model = {
    id: `${provider}-model`,
    provider,
    contextLength: 1_000,
    maxOutputTokens: 100,
  } as ModelInfo;
  return { model, byok, reason: 'test' };
}

/** What a fake provider does when called: answer, or fail as an upstream of that kind would. */
type Script = 'ok' | UpstreamErrorKind | Error;

/**
 * The chain over fake ports: a client answering per provider as scripted, every provider configured
 * with a platform key, a user key store holding `userKeys`, and a health service that keeps what it hears.
 */
function chainOver(scripts: Partial<Record<ProviderId, Script>>, userKeys: ProviderId[] = []) {
  const called: UpstreamTarget[] = [];
  const sent: ChatCompletionRequest[] = [];
  const recorded: { provider: string; kind: string }[] = [];
  const answer = (target: UpstreamTarget) => {
    called.push(target);
    const script = scripts[target.provider as ProviderId] ?? 'ok';
    if (script instanceof Error) return Promise.reject(script);
    if (script !== 'ok') return Promise.reject(new UpstreamError(script, `${script} upstream`, 500));
    return Promise.resolve({ body: { id: target.provider }, usage: null });
  };
  const client = {
    complete: (target: UpstreamTarget, request: ChatCompletionRequest) => {
      sent.push(request);
      return answer(target);
    },
    stream: (target: UpstreamTarget) =>
      answer(target).then(() => ({
        chunks: (async function* () {
          yield { choices: [] };
          throw new Error('cut mid-stream');
        })(),
        usage: () => null,
        close: () => undefined,
      })),
  } as unknown as UpstreamClient;
  const endpoints = {
    endpoint: (provider: ProviderId) => ({
      provider: findProvider(provider),
      baseUrl: `http://${provider}.test`,
      platformKey: 'platform-key',
    }),
  } as unknown as ProviderEndpoints;
  const health = {
    beforeCall: () => undefined,
    record: (provider: string, outcome: { kind: string }) => recorded.push({ provider, kind: outcome.kind }),
  } as unknown as ProviderHealthService;
  const keys = {
    keyFor: (_user: string, provider: string) =>
      Promise.resolve(userKeys.includes(provider as ProviderId) ? 'user-key' : null),
  } as unknown as UserProviderKeys;
  const chain = new UpstreamChain(client, endpoints, health, keys, {
    LLM_UPSTREAM_TIMEOUT_MS: 1_000,
  } as AppConfig);
  return { chain, called, sent, recorded };
}

function planned(chain: ChainLink[], maxTokens: number | null = null): PlannedRequest {
  return {
    requestId: 'request-1',
    caller: { userId: 'u', apiKeyId: null },
    body: { model: 'auto', messages: [{ role: 'user', content: 'Hi' }], power_level: 'eco' },
    anthropic: null,
    promptTokens: 10,
    maxTokens,
    chain,
  } as unknown as PlannedRequest;
}

const signal = new AbortController().signal;
const providers = (targets: UpstreamTarget[]) => targets.map((target) => target.provider);

beforeAll(() => Logger.overrideLogger(false));

describe('UpstreamChain', () => {
  it.each<UpstreamErrorKind>(['rate_limited', 'server_error', 'timeout', 'connection', 'auth'])(
    'falls back to the next link after %s, and reports both outcomes to health',
    async (kind) => {
      const { chain, called, recorded } = chainOver({ groq: kind });
      const answered = await chain.complete(planned([link('groq'), link('together')]), signal);
      expect(answered.link.model.provider).toBe('together');
      expect(providers(called)).toEqual(['groq', 'together']);
      expect(answered.attempts.map((attempt) => attempt.outcome)).toEqual([
        kind === 'auth' ? 'rejected' : kind,
        'ok',
      ]);
      expect(recorded).toEqual([
        { provider: 'groq', kind: kind === 'auth' ? 'rejected' : kind },
        { provider: 'together', kind: 'ok' },
      ]);
    },
  );

  it('sends a malformed request back to the client instead of to the next provider', async () => {
    const { chain, called, recorded } = chainOver({ groq: 'bad_request' });
    const failure = chain.complete(planned([link('groq'), link('together')]), signal);
    await expect(failure).rejects.toBeInstanceOf(ChainExhausted);
    await expect(failure).rejects.toMatchObject({ status: 400 });
    expect(providers(called)).toEqual(['groq']);
    expect(recorded).toEqual([]);
  });

  it('lets an error that is not the upstream’s through, without trying another link', async () => {
    const { chain, called } = chainOver({ groq: new TypeError('bug') });
    await expect(chain.complete(planned([link('groq'), link('together')]), signal)).rejects.toThrow('bug');
    expect(providers(called)).toEqual(['groq']);
  });

  it.each<[Script, Script, number]>([
    ['rate_limited', 'rate_limited', 429],
    ['timeout', 'connection', 503],
    ['rate_limited', 'server_error', 502],
  ])('answers a chain exhausted by %s then %s with %i', async (first, second, status) => {
    const { chain } = chainOver({ groq: first, together: second });
    const failure = chain.complete(planned([link('groq'), link('together')]), signal);
    await expect(failure).rejects.toMatchObject({ status, attempts: [{}, {}] });
  });

  it("calls a BYOK link with the user's key, and skips one whose key was removed since planning", async () => {
    const { chain, called } = chainOver({}, ['together']);
    const answered = await chain.complete(planned([link('groq', true), link('together', true)]), signal);
    expect(answered.attempts).toHaveLength(1);
    expect(called).toEqual([expect.objectContaining({ provider: 'together', apiKey: 'user-key' })]);
    const none = chainOver({}).chain.complete(planned([link('groq', true)]), signal);
    await expect(none).rejects.toMatchObject({ status: 503, attempts: [] });
  });

  it('asks upstream for no more output than the hold covers, without the gateway’s own fields', async () => {
    const { chain, sent } = chainOver({});
    await chain.complete(planned([link('groq')], 5_000), signal);
    expect(sent[0]).toMatchObject({ model: 'groq-model', max_tokens: 100 });
    expect(sent[0]).not.toHaveProperty('power_level');
  });

  it('stops walking once a stream started, even if it fails later', async () => {
    const { chain, called } = chainOver({});
    const answered = await chain.stream(planned([link('groq'), link('together')]), signal);
    const reading = (async () => {
      for await (const item of answered.result.chunks) expect(item.wire).toBe('openai');
    })();
    await expect(reading).rejects.toThrow('cut mid-stream');
    expect(providers(called)).toEqual(['groq']);
  });
});
