import { CREDIT_ACCOUNT_SCHEMA_VERSIONS } from '../credits/credit-account.events';
import type { RequestCompleted } from './llm-request.events';
import { asRequestCompleted, settledRequestOf } from './request-completions';

const completed: RequestCompleted['data'] = {
  requestId: 'req-1',
  userId: 'alice',
  provider: 'openai',
  model: 'gpt-4o-mini',
  byok: false,
  tier: 'free',
  inputTokens: 12,
  outputTokens: 5,
  costMicros: '9',
  listCostMicros: '9',
  latencyMs: 4,
  attempts: [{ provider: 'openai', model: 'gpt-4o-mini', outcome: 'ok', status: 200, latencyMs: 3 }],
  streamed: false,
  finishReason: 'stop',
  clientDisconnected: false,
  usageEstimated: false,
  route: {
    apiKeyId: null,
    requestedModel: 'gpt-4o-mini',
    powerLevel: 'balanced',
    task: 'chat',
    privacy: false,
    streamed: false,
    candidates: [{ provider: 'openai', model: 'gpt-4o-mini', byok: false, reason: 'requested model' }],
    reservationId: 'hold-1',
    reservedMicros: '600',
    controls: null,
    ceilingMicros: '10000',
  },
  endpoint: 'chat',
  pricing: { catalogVersion: 0, inputMicrosPerMillion: '150000', outputMicrosPerMillion: '600000' },
};

const envelope = { id: 'e-1', position: '7', metadata: { actor: 'alice' } };

/** The debit that settles a request's hold, carrying `record` as the gateway stores it. */
const debitCarrying = (record: RequestCompleted['data']) => ({
  ...envelope,
  type: 'CreditsDebited',
  schemaVersion: CREDIT_ACCOUNT_SCHEMA_VERSIONS.CreditsDebited,
  data: {
    userId: 'alice',
    reservationId: 'hold-1',
    requestId: 'req-1',
    amountMicros: '9',
    period: '2026-12',
    overdraftMicros: '0',
    releasedMicros: '600',
    request: settledRequestOf(record),
  },
});

describe('request completions', () => {
  it('carries a completion on its debit without what the debit says, and reads it back whole', () => {
    const request = settledRequestOf(completed);
    for (const said of ['userId', 'requestId', 'costMicros']) expect(request).not.toHaveProperty(said);
    expect(request.route).not.toHaveProperty('reservationId');
    expect(asRequestCompleted(debitCarrying(completed))).toEqual({
      ...envelope,
      type: 'RequestCompleted',
      schemaVersion: 5,
      data: completed,
    });
  });

  it('leaves the usual values out of the debit, and restores them, while unusual ones stay', () => {
    const request = settledRequestOf(completed);
    for (const usual of ['byok', 'streamed', 'clientDisconnected', 'usageEstimated', 'endpoint'])
      expect(request).not.toHaveProperty(usual);
    for (const usual of ['apiKeyId', 'privacy', 'controls', 'streamed', 'requestedModel'])
      expect(request.route).not.toHaveProperty(usual);
    expect(request.route?.candidates[0]).not.toHaveProperty('byok');

    const unusual: RequestCompleted['data'] = {
      ...completed,
      model: 'claude-haiku-4-5',
      streamed: true,
      clientDisconnected: true,
      usageEstimated: true,
      endpoint: 'embeddings',
      route: {
        ...completed.route!,
        apiKeyId: 'key-1',
        privacy: true,
        controls: { models: ['gpt-4o-mini', 'claude-haiku-4-5'] },
        streamed: false,
        requestedModel: 'auto',
        candidates: [{ provider: 'anthropic', model: 'claude-haiku-4-5', byok: true, reason: 'fallback' }],
      },
    };
    expect(asRequestCompleted(debitCarrying(unusual))?.data).toEqual(unusual);
    const { endpoint: _endpoint, ...beforeEndpoints } = completed;
    expect(asRequestCompleted(debitCarrying(beforeEndpoints))?.data).toEqual(completed);
  });

  it('reads a RequestCompleted as itself, and nothing else as a completion', () => {
    const own = { ...envelope, type: 'RequestCompleted', schemaVersion: 5, data: completed };
    expect(asRequestCompleted(own)).toEqual(own);
    const oldDebit = { ...envelope, type: 'CreditsDebited', schemaVersion: 3, data: { requestId: 'req-1' } };
    expect(asRequestCompleted(oldDebit)).toBeNull();
    expect(asRequestCompleted({ ...envelope, type: 'RequestFailed', schemaVersion: 3, data: {} })).toBeNull();
  });
});
