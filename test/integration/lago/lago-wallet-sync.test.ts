import { Logger } from '@nestjs/common';
import { CREDIT_ACCOUNT_SCHEMA_VERSIONS, creditAccountDecider, creditAccountStream } from '@ops/domain';
import type { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import type { PostgresEventStore } from '@ops/infra/event-store/postgres';
import type { Projection } from '@ops/infra/projections/projection';
import type { DataSource } from 'typeorm';
import { LagoWalletSync } from '../../../apps/projector/src/lago/lago-wallet.sync';
import { eventually } from '../../support/app';
import type { FakeLago } from '../../support/fake-lago';
import { CrashAfterApply, lagoApiFor, openLagoTestBed, quickRetry, type LagoTestBed } from './lago-fixtures';

describe('Lago wallet top-ups against a Lago stand-in', () => {
  let bed: LagoTestBed;
  let db: DataSource;
  let store: PostgresEventStore;
  let runner: CommandRunner;
  let lago: FakeLago;
  const shutdown = new AbortController();

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(async () => {
    bed = await openLagoTestBed();
    ({ db, store, runner, lago } = bed);
  });
  afterEach(() => bed.close());
  afterAll(() => shutdown.abort());

  const run = (projection: Projection) => bed.run(projection);

  function sync(): LagoWalletSync {
    return new LagoWalletSync(lagoApiFor(lago.apiUrl, lago.apiKey), quickRetry(shutdown.signal), db);
  }

  async function purchase(userId: string, sessionId: string, amountMicros = 10_000_000n): Promise<void> {
    await runner.run({
      streamName: creditAccountStream(userId),
      decider: creditAccountDecider,
      command: {
        type: 'RecordCreditPurchase',
        userId,
        amountMicros,
        package: 'starter-10',
        externalId: sessionId,
        paymentIntentId: `pi_${sessionId}`,
      },
      context: { actor: 'stripe', correlationId: sessionId, causationId: null, source: 'test' },
      schemaVersions: CREDIT_ACCOUNT_SCHEMA_VERSIONS,
    });
  }

  async function deliveries(): Promise<{ status: string; transaction_id: string; lago_id: string | null }[]> {
    return db.query(`SELECT status, transaction_id, lago_id FROM lago_deliveries ORDER BY transaction_id`);
  }

  it('tops the wallet up once per purchase, in credits at the wallet rate, marked with the event id', async () => {
    const wallet = lago.addCustomerWithWallet('carol', '0.5');
    await purchase('carol', 'cs_1', 10_000_000n);
    await purchase('carol', 'cs_2', 2_500_000n);
    run(new CrashAfterApply(sync(), 1));

    await eventually(async () =>
      expect((await deliveries()).map((row) => row.status)).toEqual(['delivered', 'delivered']),
    );
    expect(lago.walletTransactions.map((entry) => [entry.lago_wallet_id, entry.credit_amount])).toEqual([
      [wallet.lago_id, '20'],
      [wallet.lago_id, '5'],
    ]);
    const [first] = await store.readStream(creditAccountStream('carol'));
    expect(lago.walletTransactions[0].metadata).toEqual([{ key: 'ops_event_id', value: first.id }]);
    expect((await deliveries())[0].lago_id).toBe(lago.walletTransactions[0].lago_id);
  });

  it('does not top up twice when Lago applied a top-up but its answer was lost', async () => {
    lago.addCustomerWithWallet('dave');
    lago.loseNextTopUpResponse();
    await purchase('dave', 'cs_lost');
    run(sync());

    await eventually(async () =>
      expect((await deliveries()).map((row) => row.status)).toEqual(['delivered']),
    );
    expect(lago.walletTransactions).toHaveLength(1);
    expect(lago.walletTransactions[0].credit_amount).toBe('10');
    expect(lago.answers).toContain(0);
  });

  it('after a crash between the top-up and its record, finds the top-up instead of sending it again', async () => {
    const wallet = lago.addCustomerWithWallet('hana');
    await purchase('hana', 'cs_crash');
    const [event] = await store.readStream(creditAccountStream('hana'));
    // What the dead process left: Lago has the marked top-up, our record is still pending.
    await lagoApiFor(lago.apiUrl, lago.apiKey).topUp(wallet.lago_id, '10', 'Credits purchase', event.id);
    await db.query(
      `INSERT INTO lago_deliveries (event_id, kind, status, user_id, transaction_id, amount_micros, occurred_at, lago_wallet_id)
       VALUES ($1, 'wallet_top_up', 'pending', 'hana', 'cs_crash', 10000000, now(), $2)`,
      [event.id, wallet.lago_id],
    );
    run(sync());

    await eventually(async () =>
      expect((await deliveries()).map((row) => row.status)).toEqual(['delivered']),
    );
    expect(lago.walletTransactions).toHaveLength(1);
    expect((await deliveries())[0].lago_id).toBe(lago.walletTransactions[0].lago_id);
  });

  it('tops up once across a Lago outage and a restart', async () => {
    lago.addCustomerWithWallet('erin');
    lago.failNext(3, 502);
    await purchase('erin', 'cs_a');
    const first = run(sync());
    await eventually(async () => expect(await deliveries()).toHaveLength(1));
    await bed.stop(first);
    await purchase('erin', 'cs_b');
    run(sync());

    await eventually(async () =>
      expect((await deliveries()).map((row) => row.transaction_id)).toEqual(['cs_a', 'cs_b']),
    );
    expect(lago.walletTransactions).toHaveLength(2);
  });

  it('parks a purchase whose customer has no wallet, and tops up the others', async () => {
    lago.addCustomerWithWallet('frank');
    await purchase('ghost', 'cs_ghost');
    await purchase('frank', 'cs_frank');
    run(sync());

    const parked = await eventually(async () => {
      const rows = await db.query(`SELECT kind, user_id, reason FROM lago_parked_events`);
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(parked).toEqual([
      { kind: 'wallet_top_up', user_id: 'ghost', reason: 'customer ghost has no active wallet in Lago' },
    ]);
    expect(await deliveries()).toHaveLength(1);
    expect(lago.walletTransactions).toHaveLength(1);
  });
});
