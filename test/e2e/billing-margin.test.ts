import request from 'supertest';
import { loadConfig } from '../../libs/infra/src/config/app-config';
import { eventually } from '../support/app';
import type OpenAI from 'openai';
import { failureOf, GATEWAY_TEST_CATALOG, startGatewayApp, type GatewayTestApp } from '../support/gateway';

const OWN_GROQ_KEY = 'gsk_beaOwnGroqKey0000000000000000';

/** Issue 12, "Margin": a markup per tier on platform-paid requests, a fee on BYOK ones, both recorded. */
describe('margin on gateway requests', () => {
  let gateway: GatewayTestApp;

  beforeAll(async () => {
    gateway = await startGatewayApp(
      {
        LLM_MARKUP_PERCENT: '{"free": 20, "starter": 12.5}',
        LLM_BYOK_FEE_PERCENT: '5',
        // Between small-chat's list price and its marked-up price for a 1,000-token answer (below).
        LLM_BUDGET_ECO_MICROS: '110',
      },
      { catalog: GATEWAY_TEST_CATALOG },
    );
  });
  afterAll(async () => {
    await gateway?.close();
  });

  const http = () => request(gateway.app.getHttpServer());
  const ceilShare = (list: bigint, bps: bigint) => (list * bps + 9_999n) / 10_000n;

  async function ask(user: string, content = 'say hello') {
    const answered = await gateway
      .sdk(user)
      .chat.completions.create({ model: 'small-chat', messages: [{ role: 'user', content }] })
      .withResponse();
    const requestId = answered.response.headers.get('x-ops-request-id')!;
    const { completed } = await gateway.recorded(requestId);
    return { charged: answered.response.headers.get('x-ops-cost-micros')!, completed: completed!, requestId };
  }

  async function debitOf(user: string, requestId: string) {
    const debits = (await gateway.events(`credit-account-${user}`)).filter(
      (event) => event.type === 'CreditsDebited' && event.data.requestId === requestId,
    );
    expect(debits).toHaveLength(1);
    return debits[0].data.amountMicros;
  }

  it("charges the free tier's markup on top of the list price, and records both", async () => {
    await gateway.fund('mona', 1_000_000n);
    const { charged, completed, requestId } = await ask('mona');
    const list = BigInt(completed.listCostMicros);
    expect(list).toBeGreaterThan(0n);
    expect(completed.costMicros).toBe((list + ceilShare(list, 2_000n)).toString());
    expect(charged).toBe(completed.costMicros);
    expect(await debitOf('mona', requestId)).toBe(completed.costMicros);
    expect((await gateway.account('mona')).balance_micros).toBe((1_000_000n - BigInt(charged)).toString());

    const usage = await eventually(async () => {
      const response = await http()
        .get('/api/v1/llm/usage')
        .set('Authorization', `Bearer ${gateway.token('mona', 'user')}`);
      expect(response.body.totals.requests).toBe('1');
      return response.body.totals;
    });
    expect(usage).toMatchObject({ cost_micros: completed.costMicros, list_cost_micros: list.toString() });
  });

  it("charges each tier its own markup: the starter tier's 12.5 percent", async () => {
    await gateway.fund('stan', 1_000_000n);
    await gateway.setPlan('stan', { tier: 'starter' });
    const { completed } = await ask('stan');
    const list = BigInt(completed.listCostMicros);
    expect(completed).toMatchObject({ tier: 'starter', byok: false });
    expect(completed.costMicros).toBe((list + ceilShare(list, 1_250n)).toString());
  });

  it('holds the marked-up worst case, so a balance that covers only the list price is refused', async () => {
    // small-chat costs 0.10 USD per million tokens both ways: 1,000 output tokens and a short prompt
    // cost about 102 micro-USD at list price, about 123 with the free tier's 20 percent.
    const body = {
      model: 'small-chat',
      max_tokens: 1_000,
      messages: [{ role: 'user' as const, content: 'hi' }],
    };
    await gateway.fund('tight', 1_000_000n);
    const answered = await gateway.sdk('tight').chat.completions.create(body).withResponse();
    const { completed } = await gateway.recorded(answered.response.headers.get('x-ops-request-id')!);
    const held = BigInt(completed!.route!.reservedMicros);
    expect(held).toBeGreaterThanOrEqual(120n);
    expect(held).toBeLessThan(130n);

    await gateway.fund('short', 110n);
    await expect(gateway.sdk('short').chat.completions.create(body)).rejects.toMatchObject({
      status: 402,
      code: 'insufficient_credits',
    });
  });

  it('holds auto to the eco ceiling at the marked-up price, not the list price', async () => {
    await gateway.fund('eve', 1_000_000n);
    // Local models cost nothing and would always fit; without them small-chat is the cheapest.
    const ask = (max_tokens: number) =>
      gateway
        .sdk('eve')
        .chat.completions.create(
          {
            model: 'auto',
            max_tokens,
            messages: [{ role: 'user', content: 'hi' }],
            provider: { ignore: ['ollama'] },
          } as OpenAI.ChatCompletionCreateParamsNonStreaming,
          { headers: { 'x-power-level': 'eco' } },
        )
        .withResponse();
    // About 102 micro-USD at list price, within the ceiling of 110; about 123 once marked up 20 percent.
    const refused = await failureOf(ask(1_000));
    expect(refused).toMatchObject({ status: 400, code: 'budget_exceeded' });
    expect(refused.message).toMatch(/small-chat on groq, costs up to 12\d micro-USD/);
    const answered = await ask(800);
    expect(answered.response.headers.get('x-ops-model')).toBe('small-chat');
    const worst = BigInt(answered.response.headers.get('x-ops-worst-case-micros')!);
    expect(worst).toBeLessThanOrEqual(110n);
    const { completed } = await gateway.recorded(answered.response.headers.get('x-ops-request-id')!);
    expect(BigInt(completed!.route!.reservedMicros)).toBe(worst);
  });

  it('charges only the BYOK fee when the user pays the provider with their own key', async () => {
    await gateway.fund('bea', 1_000_000n);
    gateway.upstreams.groq.acceptKey(OWN_GROQ_KEY);
    const added = await http()
      .post('/api/v1/llm/byok/keys')
      .set('Authorization', `Bearer ${gateway.token('bea', 'user')}`)
      .send({ provider: 'groq', api_key: OWN_GROQ_KEY });
    expect(added.status).toBe(201);
    await eventually(async () => {
      const models = await gateway.sdk('bea').models.list();
      expect(models.data.some((model) => (model as unknown as { byok: boolean }).byok)).toBe(true);
    });

    // A long prompt, so that the fee is a visible share of a list price of about 2,000 micro-USD.
    const { charged, completed, requestId } = await ask('bea', 'hello '.repeat(10_000));
    expect(gateway.upstreams.groq.requests.at(-1)?.headers.authorization).toBe(`Bearer ${OWN_GROQ_KEY}`);
    const list = BigInt(completed.listCostMicros);
    expect(completed).toMatchObject({ byok: true, costMicros: ceilShare(list, 500n).toString() });
    expect(charged).toBe(completed.costMicros);
    expect(list).toBeGreaterThan(1_000n);
    expect(await debitOf('bea', requestId)).toBe(charged);
  });

  it("shows admins the catalog priced for each tier, the markup applied as a request's charge rounds it", async () => {
    const answered = await http()
      .get('/api/v1/llm/catalog')
      .set('Authorization', `Bearer ${gateway.token('ada', 'admin')}`);
    expect(answered.status).toBe(200);
    expect(answered.body.markups).toEqual([
      { tier: 'free', markup_percent: 20 },
      { tier: 'starter', markup_percent: 12.5 },
      { tier: 'professional', markup_percent: 0 },
      { tier: 'enterprise', markup_percent: 0 },
    ]);
    expect(answered.body.byok_fee_percent).toBe(5);
    const small = answered.body.models.find((model: { id: string }) => model.id === 'groq/small-chat');
    const list = BigInt(small.input_micros_per_million);
    expect(list).toBeGreaterThan(0n);
    const price = (tier: string) =>
      small.prices.find((candidate: { tier: string }) => candidate.tier === tier).input_micros_per_million;
    expect(price('free')).toBe((list + ceilShare(list, 2_000n)).toString());
    expect(price('starter')).toBe((list + ceilShare(list, 1_250n)).toString());
    expect(price('enterprise')).toBe(list.toString());

    const asUser = await http()
      .get('/api/v1/llm/catalog')
      .set('Authorization', `Bearer ${gateway.token('mona', 'user')}`);
    expect(asUser.status).toBe(403);
  });

  it('shows list and charged cost side by side in the finance usage report', async () => {
    const day = new Date().toISOString().slice(0, 10);
    const report = await eventually(async () => {
      const response = await http()
        .get(`/api/v1/finance/usage?from=${day}&to=${day}`)
        .set('Authorization', `Bearer ${gateway.token('fiona', 'finance')}`);
      const mona = response.body.rows.find((row: Record<string, string>) => row.user_id === 'mona');
      expect(mona).toBeDefined();
      return mona as Record<string, string>;
    });
    expect(BigInt(report.cost_micros)).toBeGreaterThan(BigInt(report.list_cost_micros));
  });
});

describe('margin settings', () => {
  it.each([
    [{ LLM_MARKUP_PERCENT: '{"gold": 10}' }, 'unknown tier "gold"'],
    [{ LLM_MARKUP_PERCENT: '{"free": -5}' }, 'markup.free must be a percentage'],
    [{ LLM_MARKUP_PERCENT: '[20]' }, 'JSON object'],
    [{ LLM_BYOK_FEE_PERCENT: '2.555' }, 'byok_fee must be a percentage'],
  ])('refuses %j at start, naming the problem', (env, problem) => {
    expect(() => loadConfig({ ...process.env, ...env })).toThrow(problem);
  });
});
