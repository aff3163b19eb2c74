import { CREDIT_ACCOUNT_SCHEMA_VERSIONS, creditAccountDecider, creditAccountStream } from '@ops/domain';
import { CommandRunner } from '@ops/infra/event-sourcing/command-runner';
import { EVENT_STORE, type EventStore } from '@ops/infra/event-store/event-store';
import { DataSource } from 'typeorm';
import request from 'supertest';
import type { ReconciliationReport } from '../../apps/api/src/finance/reconciliation.service';
import { appendCompleted } from '../integration/lago/lago-fixtures';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { startFakeLago, type FakeLago } from '../support/fake-lago';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const YESTERDAY = day(-1);
const TWO_DAYS_AGO = day(-2);
const PERIOD = `from=${day(-10)}&to=${day(0)}`;

describe('finance reports, reconciliation and the Lago mapping', () => {
  let t: TestApp;
  let lago: FakeLago;
  let finance: string;

  beforeAll(async () => {
    lago = await startFakeLago();
    lago.addCustomerWithWallet('ann');
    t = await startTestApp({
      LAGO_API_URL: lago.apiUrl,
      LAGO_API_KEY: lago.apiKey,
      LAGO_RETRY_BASE_MS: '5',
      LAGO_RETRY_MAX_MS: '50',
    });
    finance = t.token('fiona', 'finance');
    const http = request(t.app.getHttpServer());
    const mapped = await http
      .put('/api/v1/finance/lago/subscriptions/bob')
      .set('Authorization', `Bearer ${t.token('root', 'admin')}`)
      .send({ external_subscription_id: 'sub-bob-2026' });
    expect(mapped.status).toBe(200);
    const granted = await http
      .post('/api/v1/llm/credits/grant')
      .set('Authorization', `Bearer ${t.token('root', 'admin')}`)
      .send({ user_id: 'ann', amount_micros: '5000000', reason: 'welcome' });
    expect(granted.status).toBe(201);
    await t.app.get(CommandRunner).run({
      streamName: creditAccountStream('ann'),
      decider: creditAccountDecider,
      command: {
        type: 'RecordCreditPurchase',
        userId: 'ann',
        amountMicros: 10_000_000n,
        package: 'starter-10',
        externalId: 'cs_finance_1',
        paymentIntentId: 'pi_finance_1',
      },
      context: { actor: 'stripe', correlationId: 'evt_1', causationId: null, source: 'test' },
      schemaVersions: CREDIT_ACCOUNT_SCHEMA_VERSIONS,
    });
    const store = t.app.get<EventStore>(EVENT_STORE);
    const usage = [
      {
        requestId: 'f-1',
        userId: 'ann',
        model: 'model-a',
        costMicros: '1000',
        occurredAt: `${TWO_DAYS_AGO}T09:00:00.000Z`,
      },
      {
        requestId: 'f-2',
        userId: 'ann',
        model: 'model-a',
        costMicros: '2000',
        occurredAt: `${TWO_DAYS_AGO}T23:59:59.999Z`,
      },
      {
        requestId: 'f-3',
        userId: 'ann',
        model: 'model-b',
        costMicros: '400',
        occurredAt: `${YESTERDAY}T00:00:00.000Z`,
      },
      {
        requestId: 'f-4',
        userId: 'bob',
        model: 'model-a',
        costMicros: '7000',
        occurredAt: `${YESTERDAY}T12:00:00.000Z`,
      },
    ];
    for (const entry of usage) await appendCompleted(store, entry);
    await eventually(async () => expect((await reconcile()).agrees).toBe(true), 30_000);
  });
  afterAll(async () => {
    await t?.close();
    await lago?.close();
  });

  const get = (path: string, token = finance) =>
    request(t.app.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);

  async function reconcile(): Promise<ReconciliationReport> {
    const response = await get(`/api/v1/finance/reconciliation?${PERIOD}`);
    expect(response.status).toBe(200);
    return response.body;
  }

  it('reports usage by customer, day and model with exact sums', async () => {
    const response = await get(`/api/v1/finance/usage?${PERIOD}`);
    expect(response.status).toBe(200);
    const rows = response.body.rows.map((row: Record<string, string>) => [
      row.user_id,
      row.external_subscription_id,
      row.day,
      row.model,
      row.requests,
      row.cost_micros,
    ]);
    expect(rows).toEqual([
      ['ann', 'ann', TWO_DAYS_AGO, 'model-a', '2', '3000'],
      ['ann', 'ann', YESTERDAY, 'model-b', '1', '400'],
      ['bob', 'sub-bob-2026', YESTERDAY, 'model-a', '1', '7000'],
    ]);
    expect(response.body.totals).toMatchObject({ requests: '4', cost_micros: '10400', input_tokens: '480' });
  });

  it('exports the same usage as CSV', async () => {
    const response = await get(`/api/v1/finance/usage?${PERIOD}&format=csv`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toContain('attachment; filename="usage-');
    const lines = response.text.split('\r\n');
    expect(lines[0]).toBe(
      'user_id,external_subscription_id,day,provider,model,requests,failed_requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cache_write_1h_tokens,web_search_requests,cost_micros,list_cost_micros',
    );
    expect(lines[3]).toBe(`bob,sub-bob-2026,${YESTERDAY},groq,model-a,1,0,120,30,0,0,0,0,7000,7000`);
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('');
  });

  it('lists the credit ledger of the period with totals per kind, as JSON and CSV', async () => {
    const json = await get(`/api/v1/finance/ledger?${PERIOD}`);
    expect(json.status).toBe(200);
    expect(
      json.body.entries.map((entry: Record<string, string>) => [
        entry.user_id,
        entry.kind,
        entry.amount_micros,
      ]),
    ).toEqual([
      ['ann', 'grant', '5000000'],
      ['ann', 'purchase', '10000000'],
    ]);
    expect(json.body.totals_by_kind).toEqual([
      { kind: 'grant', entries: '1', amount_micros: '5000000' },
      { kind: 'purchase', entries: '1', amount_micros: '10000000' },
    ]);
    expect(json.body.net_micros).toBe('15000000');
    const csv = await get(`/api/v1/finance/ledger?${PERIOD}&format=csv`);
    expect(csv.text.split('\r\n')[0]).toBe(
      'event_id,occurred_at,user_id,kind,amount_micros,balance_after_micros,reason,actor',
    );
    expect(csv.text.split('\r\n')[2]).toMatch(/,ann,purchase,10000000,15000000,package starter-10,stripe$/);
  });

  it('shows the log, the read models and Lago in agreement', async () => {
    const report = await reconcile();
    expect(report).toMatchObject({ agrees: true, lago_sync: 'on', differences: [], parked: [] });
    expect(report.totals).toMatchObject({
      balance_micros: { events: '15000000', credit_balances: '15000000', credit_transactions: '15000000' },
      usage_requests: { events: '4', usage_daily: '4', lago: '4' },
      usage_cost_micros: { events: '10400', usage_daily: '10400', lago: '10400' },
      top_ups_micros: { purchases: '10000000', lago: '10000000' },
    });
    expect(
      lago.events.find((event) => event.transaction_id === 'llm-request:f-4')?.external_subscription_id,
    ).toBe('sub-bob-2026');
    expect(lago.walletTransactions.map((entry) => entry.credit_amount)).toEqual(['10']);
  });

  it('lists each difference once a read model or the delivery records are corrupted', async () => {
    const db = t.app.get(DataSource);
    await db.query(`UPDATE credit_balances SET balance_micros = balance_micros + 1 WHERE user_id = 'ann'`);
    await db.query(`DELETE FROM lago_deliveries WHERE transaction_id = 'llm-request:f-4'`);
    try {
      const report = await reconcile();
      expect(report.agrees).toBe(false);
      expect(report.differences).toEqual([
        {
          check: 'balance',
          user_id: 'ann',
          values: { events: '15000000', credit_balances: '15000001', credit_transactions: '15000000' },
        },
        { check: 'lago_usage_events', user_id: 'bob', values: { expected: '1', lago: '0' } },
        { check: 'lago_usage_cost_micros', user_id: 'bob', values: { expected: '7000', lago: '0' } },
      ]);
    } finally {
      await db.query(`UPDATE credit_balances SET balance_micros = balance_micros - 1 WHERE user_id = 'ann'`);
    }
  });

  it('lists events Lago refused as parked, with their reason', async () => {
    lago.refuseEventsWhen((event) =>
      event.properties?.model === 'bad-model' ? { code: ['metric_not_found'] } : null,
    );
    await appendCompleted(t.app.get<EventStore>(EVENT_STORE), {
      requestId: 'f-poison',
      userId: 'ann',
      model: 'bad-model',
      occurredAt: `${YESTERDAY}T15:00:00.000Z`,
    });
    const report = await eventually(async () => {
      const current = await reconcile();
      expect(current.parked).toHaveLength(1);
      return current;
    }, 20_000);
    expect(report.agrees).toBe(false);
    expect(report.parked[0]).toMatchObject({ kind: 'usage', user_id: 'ann' });
    expect(report.parked[0].reason).toContain('metric_not_found');
  });

  it('is open to finance and admins only; the Lago mapping to admins only', async () => {
    expect((await get(`/api/v1/finance/usage?${PERIOD}`, t.token('root', 'admin'))).status).toBe(200);
    for (const role of ['user', 'auditor'] as const) {
      for (const path of ['usage', 'ledger', 'reconciliation']) {
        expect((await get(`/api/v1/finance/${path}?${PERIOD}`, t.token('someone', role))).status).toBe(403);
      }
    }
    const byFinance = await request(t.app.getHttpServer())
      .put('/api/v1/finance/lago/subscriptions/ann')
      .set('Authorization', `Bearer ${finance}`)
      .send({ external_subscription_id: 'sub-x' });
    expect(byFinance.status).toBe(403);
  });

  it.each([
    ['from=2026-13-01&to=2026-12-01', 'from'],
    ['from=2026-02-31&to=2026-03-01', 'from'],
    ['from=2026-03-02&to=2026-03-01', 'to'],
    ['from=2024-01-01&to=2026-01-01', 'to'],
    [`${PERIOD}&format=xml`, 'format'],
    [`to=${day(0)}`, 'from'],
  ])('refuses the query %s', async (query, field) => {
    const response = await get(`/api/v1/finance/usage?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });
});
