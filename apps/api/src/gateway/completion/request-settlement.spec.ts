import { NO_MARGIN, type ModelInfo } from '@ops/domain';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import type { RequestCredits } from '../credits/request-credits';
import type { ProviderHealthService } from '../health/provider-health.service';
import type { GatewayLimits } from '../limits/gateway-limits';
import type { ChainLink, PlannedRequest, Reservation } from './gateway-request';
import { RequestLedger } from './request-ledger';
import type { RequestMetrics } from './request-metrics';
import { RequestSettlement, type Outcome } from './request-settlement';

const LINK: ChainLink = {
  model: {
    id: 'llama',
    provider: 'groq',
    lifecycle: 'active',
    inputMicrosPerMillion: 1_000_000n,
    outputMicrosPerMillion: 1_000_000n,
    contextLength: 1_000,
    maxOutputTokens: 100,
  } as ModelInfo,
  byok: false,
  reason: 'test',
};
const OUTCOME: Outcome = {
  link: LINK,
  attempts: [],
  usage: { inputTokens: 2, outputTokens: 3 },
  usageEstimated: false,
  finishReason: 'stop',
  clientDisconnected: false,
};

/** The settlement over fakes that note what reached the account and the ledger. */
function settlementFor(reservation: Reservation, debited = true) {
  const account: string[] = [];
  const recorded: string[] = [];
  const credits = {
    settle: (_user: string, id: string) => {
      account.push(`settle ${id}`);
      return Promise.resolve({ debited });
    },
    release: (_user: string, id: string) => Promise.resolve(void account.push(`release ${id}`)),
  } as unknown as RequestCredits;
  const ledger = new RequestLedger({ execute: () => Promise.resolve() } as never);
  jest.spyOn(ledger, 'record').mockImplementation((command) => {
    recorded.push(command.command.type);
    return Promise.resolve();
  });
  const settlement = new RequestSettlement(
    credits,
    ledger,
    { used: () => undefined } as unknown as GatewayLimits,
    { answered: () => undefined, failed: () => undefined } as unknown as RequestMetrics,
    { recordAnswer: () => undefined } as unknown as ProviderHealthService,
    NO_MARGIN,
  );
  const planned = {
    requestId: 'r',
    caller: { userId: 'u', apiKeyId: null },
    body: { model: 'llama', messages: [] },
    tier: 'starter',
    powerLevel: 'balanced',
    ceilingMicros: 10_000n,
    task: 'general',
    privacy: false,
    controls: null,
    promptTokens: 2,
    maxTokens: null,
    chain: [LINK],
    catalogVersion: 0,
    reservation,
    startedAt: performance.now(),
    context: { actor: 'u', correlationId: 'c', causationId: null, source: 'api' } as CommandContext,
  } as unknown as PlannedRequest;
  return { settlement, planned, account, recorded };
}

describe('RequestSettlement and a hold stored after the upstream call began', () => {
  it('settles only once the hold is stored', async () => {
    let store!: () => void;
    const stored = new Promise<void>((resolve) => (store = resolve));
    const { settlement, planned, account, recorded } = settlementFor({
      id: 'hold-1',
      amountMicros: 10n,
      stored,
    });
    const finishing = settlement.finish(planned, OUTCOME);
    await new Promise((resolve) => setImmediate(resolve));
    expect(account).toEqual([]);
    store();
    await expect(finishing).resolves.toBe(5n);
    expect(account).toEqual(['settle hold-1']);
    // The debit carries the completion: nothing for the request's own stream.
    expect(recorded).toEqual([]);
  });

  it('records no failure for a request whose completion is stored, whatever breaks after it', async () => {
    const { settlement, planned, account, recorded } = settlementFor({
      id: 'hold-5',
      amountMicros: 10n,
      stored: Promise.resolve(),
    });
    await settlement.finish(planned, OUTCOME);
    const broken = new Error('the reply could not be written');
    await expect(settlement.fail(planned, broken)).resolves.toBe(broken);
    expect(account).toEqual(['settle hold-5']);
    expect(recorded).toEqual([]);
  });

  it("records the completion on the request's own stream when the settlement stored no debit", async () => {
    const { settlement, planned, account, recorded } = settlementFor(
      { id: 'hold-4', amountMicros: 10n, stored: Promise.resolve() },
      false,
    );
    await settlement.finish(planned, OUTCOME);
    expect(account).toEqual(['settle hold-4']);
    expect(recorded).toEqual(['RecordCompletion']);
  });

  it('neither settles nor releases a hold that was not stored after all, and records the failure alone', async () => {
    const refusal = new Error('insufficient credits after all');
    const stored = Promise.reject(refusal);
    stored.catch(() => undefined);
    const { settlement, planned, account, recorded } = settlementFor({
      id: 'hold-2',
      amountMicros: 10n,
      stored,
    });
    await expect(settlement.finish(planned, OUTCOME)).rejects.toBe(refusal);
    // Whatever the upstream call did meanwhile, the request fails of its hold.
    await expect(settlement.fail(planned, new Error('upstream call aborted'))).resolves.toBe(refusal);
    expect(account).toEqual([]);
    expect(recorded).toEqual(['RecordFailure']);
  });

  it('releases a stored hold when the request fails', async () => {
    const { settlement, planned, account, recorded } = settlementFor({
      id: 'hold-3',
      amountMicros: 10n,
      stored: Promise.resolve(),
    });
    await settlement.fail(planned, new Error('upstream down'));
    expect(account).toEqual(['release hold-3']);
    expect(recorded).toEqual([]);
  });
});
