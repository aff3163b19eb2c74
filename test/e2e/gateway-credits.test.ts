import { Client } from 'pg';
import { Counter, Registry } from 'prom-client';
import { eventually } from '../support/app';
import { startGatewayApp, type GatewayTestApp } from '../support/gateway';

interface StoredEvent {
  type: string;
  data: Record<string, unknown>;
}

/**
 * The credit invariant under load: many concurrent requests on one account never spend more than its
 * balance or its monthly cap, and the ledger sums exactly, in the events and in the read models.
 */
describe('LLM gateway credits under concurrency', () => {
  let gateway: GatewayTestApp;
  let db: Client;

  beforeAll(async () => {
    // 200 requests at once on one free account: lift the rate limits so that only the credits refuse.
    const unlimited = {
      requests_per_minute: 100_000,
      tokens_per_minute: 100_000_000,
      concurrent_requests: 1_000,
    };
    gateway = await startGatewayApp({
      LLM_RATE_LIMITS: JSON.stringify({ free: { user: unlimited, key: unlimited } }),
    });
    db = new Client({ connectionString: gateway.database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await gateway?.close();
  });

  async function accountEvents(user: string): Promise<StoredEvent[]> {
    const { rows } = await db.query<StoredEvent>(
      'SELECT type, data FROM events WHERE stream_name = $1 ORDER BY revision',
      [`credit-account-${user}`],
    );
    return rows;
  }

  const sum = (events: StoredEvent[], type: string) =>
    events
      .filter((event) => event.type === type)
      .reduce((total, event) => total + BigInt(String(event.data.amountMicros)), 0n);

  function burst(user: string, count: number) {
    const sdk = gateway.sdk(user);
    return Promise.allSettled(
      Array.from({ length: count }, (_, index) =>
        sdk.chat.completions.create({
          model: 'gpt-4o-mini',
          max_tokens: 50,
          messages: [{ role: 'user', content: `Request number ${index}: say hello` }],
        }),
      ),
    );
  }

  it('200 concurrent requests never overspend the balance, and the ledger sums exactly', async () => {
    await gateway.fund('hot', 400n);
    const results = await burst('hot', 200);
    const served = results.filter((result) => result.status === 'fulfilled').length;
    const refused = results.filter((result) => result.status === 'rejected');
    for (const result of refused) {
      expect((result as PromiseRejectedResult).reason).toMatchObject({
        status: 402,
        code: 'insufficient_credits',
      });
    }
    expect(served).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);

    const events = await accountEvents('hot');
    const debited = sum(events, 'CreditsDebited');
    expect(debited).toBeLessThanOrEqual(400n);
    expect(sum(events, 'CreditsReserved')).toBe(sum(events, 'CreditsReleased'));

    const account = await gateway.account('hot');
    expect(BigInt(account.balance_micros as string)).toBe(400n - debited);
    expect(account.reserved_micros).toBe('0');

    const { rows: completed } = await db.query<{ cost: string; n: string }>(
      `SELECT coalesce(sum((data->>'costMicros')::bigint), 0)::text AS cost, count(*)::text AS n
         FROM events WHERE type = 'RequestCompleted' AND data->>'userId' = 'hot'`,
    );
    expect(Number(completed[0].n)).toBe(served);
    expect(BigInt(completed[0].cost)).toBe(debited);

    await eventually(async () => {
      const { rows } = await db.query<{ balance: string; ledger: string }>(
        `SELECT b.balance_micros::text AS balance,
                (SELECT sum(amount_micros) FROM credit_transactions t WHERE t.user_id = b.user_id)::text AS ledger
           FROM credit_balances b WHERE b.user_id = 'hot'`,
      );
      expect(rows[0]).toEqual({
        balance: (400n - debited).toString(),
        ledger: (400n - debited).toString(),
      });
    });
  });

  it('200 concurrent requests never pass the monthly cap', async () => {
    await gateway.fund('capped', 1_000_000n);
    await gateway.setPlan('capped', { tier: 'free', cap: 300n });
    const results = await burst('capped', 200);
    const refused = results.filter((result) => result.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const result of refused) {
      expect((result as PromiseRejectedResult).reason).toMatchObject({
        status: 402,
        code: 'monthly_cap_exceeded',
      });
    }
    const account = await gateway.account('capped');
    expect(BigInt(account.spent_this_period_micros as string)).toBeLessThanOrEqual(300n);
    expect(BigInt(account.balance_micros as string)).toBe(
      1_000_000n - BigInt(account.spent_this_period_micros as string),
    );
  });

  it('releases every hold when the upstream fails, charging nothing', async () => {
    await gateway.fund('unlucky', 100_000n);
    gateway.upstreams.openai.enqueue({ status: 400, errorMessage: 'bad request from upstream' });
    await expect(
      gateway.sdk('unlucky').chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hello' }],
      }),
    ).rejects.toMatchObject({ status: 400 });
    const account = await gateway.account('unlucky');
    expect(account).toMatchObject({ balance_micros: '100000', reserved_micros: '0' });
    const types = (await accountEvents('unlucky')).map((event) => event.type);
    expect(types).toEqual(['CreditsGranted', 'CreditsReserved', 'CreditsReleased']);
  });

  it('counts a refused request in the metric, appending nothing to the account or the log', async () => {
    const before = await accountEvents('empty');
    const eventsBefore = await gateway.countEvents();
    const counter = gateway.app.get(Registry).getSingleMetric('llm_gateway_refusals_total') as Counter;
    const refusals = async () =>
      (await counter.get()).values.find(
        ({ labels }) => labels.status === '402' && labels.reason === 'insufficient_credits',
      )?.value ?? 0;
    const refusalsBefore = await refusals();
    await expect(
      gateway
        .sdk('empty')
        .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 402 });
    expect(await accountEvents('empty')).toEqual(before);
    expect(await gateway.countEvents()).toBe(eventsBefore);
    expect(await refusals()).toBe(refusalsBefore + 1);
  });
});
