import { Logger } from '@nestjs/common';
import {
  SUBSCRIPTION_SCHEMA_VERSIONS,
  subscriptionDecider,
  subscriptionStream,
  type SubscriptionCommand,
} from '@ops/domain';
import { LagoSubscriptionSync } from '../../../apps/projector/src/lago/lago-subscription.sync';
import { eventually } from '../../support/app';
import type { FakeLago } from '../../support/fake-lago';
import { CrashAfterApply, lagoApiFor, openLagoTestBed, quickRetry, type LagoTestBed } from './lago-fixtures';

const PERIOD_END = '2026-12-01T00:00:00.000Z';

/** Issue 12: each paid subscription is mirrored in Lago, with the tier in force as its plan. */
describe('Lago subscriptions against a Lago stand-in', () => {
  let bed: LagoTestBed;
  let lago: FakeLago;
  const shutdown = new AbortController();

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(async () => {
    bed = await openLagoTestBed();
    lago = bed.lago;
  });
  afterEach(() => bed.close());
  afterAll(() => shutdown.abort());

  function start(crashes = 0): void {
    const sync = new LagoSubscriptionSync(lagoApiFor(lago.apiUrl, lago.apiKey), quickRetry(shutdown.signal));
    bed.run(crashes > 0 ? new CrashAfterApply(sync, crashes) : sync);
  }

  async function run(command: SubscriptionCommand): Promise<void> {
    await bed.runner.run({
      streamName: subscriptionStream(command.userId),
      decider: subscriptionDecider,
      command,
      context: { actor: 'stripe', correlationId: 'evt_test', causationId: null, source: 'test' },
      schemaVersions: SUBSCRIPTION_SCHEMA_VERSIONS,
    });
  }

  const sync = (userId: string, tier: string, observedAt: string): SubscriptionCommand => ({
    type: 'SyncSubscription',
    userId,
    subscriptionId: `sub_${userId}`,
    customerId: `cus_${userId}`,
    status: 'active',
    tier,
    periodEnd: PERIOD_END,
    cancelAtPeriodEnd: false,
    observedAt,
  });

  it('creates the Lago subscription on the tier in force, changes its plan, terminates it, and maps usage to it', async () => {
    lago.addCustomerWithWallet('nina');
    await run(sync('nina', 'starter', '2026-11-01T00:00:00.000Z'));
    await run(sync('nina', 'professional', '2026-11-02T00:00:00.000Z'));
    start(1);

    await eventually(async () =>
      expect(lago.subscriptions.get('sub_nina')).toEqual({
        external_id: 'sub_nina',
        external_customer_id: 'nina',
        plan_code: 'professional',
        status: 'active',
        previous_plan_codes: [],
      }),
    );
    await eventually(async () => {
      const [mapping] = await bed.db.query(
        `SELECT external_subscription_id, updated_by FROM lago_subscriptions WHERE user_id = 'nina'`,
      );
      expect(mapping).toEqual({ external_subscription_id: 'sub_nina', updated_by: 'stripe' });
    });
    // The crashed batch was sent again: Lago saw the same plan twice, never a downgrade.
    expect(lago.subscriptions.get('sub_nina')?.previous_plan_codes).toEqual([]);
    await run(sync('nina', 'enterprise', '2026-11-03T00:00:00.000Z'));
    await eventually(async () => expect(lago.subscriptions.get('sub_nina')?.plan_code).toBe('enterprise'));
    expect(lago.subscriptions.get('sub_nina')?.previous_plan_codes).toEqual(['professional']);

    await run({ type: 'EndSubscription', userId: 'nina', subscriptionId: 'sub_nina', endedAt: PERIOD_END });
    await eventually(async () => expect(lago.subscriptions.get('sub_nina')?.status).toBe('terminated'));
  });

  it('parks a subscription whose customer Lago does not know, and goes on with the others', async () => {
    lago.addCustomerWithWallet('owen');
    await run(sync('ghost', 'starter', '2026-11-01T00:00:00.000Z'));
    await run(sync('owen', 'enterprise', '2026-11-01T00:00:00.000Z'));
    start();

    await eventually(async () => expect(lago.subscriptions.get('sub_owen')?.plan_code).toBe('enterprise'));
    // The parked row commits with the batch, a moment after Lago has seen the others.
    await eventually(async () => {
      const parked = await bed.db.query(`SELECT kind, user_id, reason FROM lago_parked_events`);
      expect(parked).toEqual([
        { kind: 'subscription', user_id: 'ghost', reason: expect.stringContaining('customer_not_found') },
      ]);
    });
    expect(lago.subscriptions.has('sub_ghost')).toBe(false);
  });
});
