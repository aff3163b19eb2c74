import Anthropic from '@anthropic-ai/sdk';
import { costMicros } from '@ops/domain';
import request from 'supertest';
import { eventually } from '../support/app';
import { GATEWAY_TEST_CATALOG, startGatewayApp, type GatewayTestApp } from '../support/gateway';

/** Issue 12, "What-if pricing": a draft price table over a period's usage, simulated, stored nowhere. */
describe('what-if pricing for finance', () => {
  let gateway: GatewayTestApp;
  const day = new Date().toISOString().slice(0, 10);
  const charged: Record<string, { input: number; output: number; cost: bigint; list: bigint }[]> = {};

  beforeAll(async () => {
    gateway = await startGatewayApp(
      { LLM_MARKUP_PERCENT: '{"free": 10}' },
      { catalog: GATEWAY_TEST_CATALOG },
    );
    for (const [user, prompts] of [
      ['wendy', ['hello there', 'write a haiku about ledgers']],
      ['xavi', ['say hi']],
    ] as const) {
      await gateway.fund(user, 1_000_000n);
      charged[user] = [];
      for (const content of prompts) {
        const answered = await gateway
          .sdk(user)
          .chat.completions.create({ model: 'small-chat', messages: [{ role: 'user', content }] })
          .withResponse();
        const { completed } = await gateway.recorded(answered.response.headers.get('x-ops-request-id')!);
        charged[user].push({
          input: completed!.inputTokens,
          output: completed!.outputTokens,
          cost: BigInt(completed!.costMicros),
          list: BigInt(completed!.listCostMicros),
        });
      }
    }
    await eventually(async () => {
      const usage = await request(gateway.app.getHttpServer())
        .get('/api/v1/llm/usage')
        .set('Authorization', `Bearer ${gateway.token('admin-1', 'admin')}`);
      expect(usage.body.totals.requests).toBe('3');
    });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  const whatIf = (body: object, role: 'finance' | 'user' = 'finance') =>
    request(gateway.app.getHttpServer())
      .post('/api/v1/finance/what-if')
      .set('Authorization', `Bearer ${gateway.token('fiona', role)}`)
      .send(body);

  // A tenfold price for small-chat (0.10 USD per million tokens today).
  const draft = {
    from: day,
    to: day,
    prices: [
      {
        provider: 'groq',
        model: 'small-chat',
        input_micros_per_million: '1000000',
        output_micros_per_million: '2000000',
      },
    ],
  };
  const draftModel = { inputMicrosPerMillion: 1_000_000n, outputMicrosPerMillion: 2_000_000n };

  it('re-prices each request with the draft and shows it beside what was charged, per customer and model', async () => {
    const before = await gateway.countEvents();
    const response = await whatIf({ ...draft, markup_percent: { free: 25 } });
    expect(response.status).toBe(200);
    expect(await gateway.countEvents()).toBe(before);

    const expected = (user: string) => {
      const requests = charged[user];
      const list = requests.map((r) => costMicros(draftModel, r.input, r.output));
      const draftList = list.reduce((sum, amount) => sum + amount, 0n);
      const draftCharged = list.reduce(
        (sum, amount) => sum + amount + (amount * 2_500n + 9_999n) / 10_000n,
        0n,
      );
      const chargedSum = requests.reduce((sum, r) => sum + r.cost, 0n);
      return {
        user_id: user,
        provider: 'groq',
        model: 'small-chat',
        requests: String(requests.length),
        input_tokens: String(requests.reduce((sum, r) => sum + r.input, 0)),
        output_tokens: String(requests.reduce((sum, r) => sum + r.output, 0)),
        list_cost_micros: requests.reduce((sum, r) => sum + r.list, 0n).toString(),
        charged_micros: chargedSum.toString(),
        draft_list_cost_micros: draftList.toString(),
        draft_charged_micros: draftCharged.toString(),
        difference_micros: (draftCharged - chargedSum).toString(),
      };
    };
    expect(response.body).toMatchObject({ from: day, to: day, simulated: true });
    expect(response.body.rows).toEqual([expected('wendy'), expected('xavi')]);
    expect(BigInt(response.body.totals.draft_charged_micros)).toBeGreaterThan(
      BigInt(response.body.totals.charged_micros),
    );
  });

  it("keeps a model's price when the draft leaves it out, and applies the configured margin by default", async () => {
    const response = await whatIf({ ...draft, prices: [{ ...draft.prices[0], model: 'another-model' }] });
    expect(response.status).toBe(200);
    for (const row of response.body.rows) {
      expect(row.draft_list_cost_micros).toBe(row.list_cost_micros);
      expect(row.draft_charged_micros).toBe(row.charged_micros);
      expect(row.difference_micros).toBe('0');
    }
  });

  it('is for finance: a user is refused, and a malformed draft is refused by field', async () => {
    expect((await whatIf(draft, 'user')).status).toBe(403);
    const malformed = await whatIf({
      ...draft,
      prices: [{ ...draft.prices[0], input_micros_per_million: '1.5' }],
    });
    expect(malformed.status).toBe(400);
    const badMarkup = await whatIf({ ...draft, markup_percent: { gold: 5 } });
    expect(badMarkup.status).toBe(400);
    expect(JSON.stringify(badMarkup.body)).toContain('unknown tier');
    expect((await whatIf({ ...draft, prices: [] })).status).toBe(400);
  });
});

describe('what-if pricing of cached prompts', () => {
  let gateway: GatewayTestApp;
  const day = new Date().toISOString().slice(0, 10);
  const recorded: Array<{ inputTokens: number; outputTokens: number; read: number; written: number }> = [];

  beforeAll(async () => {
    gateway = await startGatewayApp();
    await gateway.fund('carla', 50_000_000n);
    await gateway.setPlan('carla', { tier: 'professional' });
    const issued = await request(gateway.app.getHttpServer())
      .post('/api/v1/llm/api-keys')
      .set('Authorization', `Bearer ${gateway.token('carla', 'user')}`)
      .send({ name: 'cached' })
      .expect(201);
    const claude = new Anthropic({ baseURL: gateway.url, apiKey: issued.body.key, maxRetries: 0 });
    // The first writes the system prompt to the cache, the second reads it.
    for (let i = 0; i < 2; i++) {
      const { response } = await claude.messages
        .create({
          model: 'claude-haiku-4-5',
          max_tokens: 50,
          system: [
            { type: 'text', text: 'You price drafts. '.repeat(700), cache_control: { type: 'ephemeral' } },
          ],
          messages: [{ role: 'user', content: 'Say hello' }],
        })
        .withResponse();
      const { completed } = await gateway.recorded(response.headers.get('x-ops-request-id')!);
      recorded.push({
        inputTokens: completed!.inputTokens,
        outputTokens: completed!.outputTokens,
        read: completed!.cacheReadTokens ?? 0,
        written: completed!.cacheWriteTokens ?? 0,
      });
    }
    await eventually(async () => {
      const usage = await request(gateway.app.getHttpServer())
        .get('/api/v1/llm/usage')
        .set('Authorization', `Bearer ${gateway.token('admin-1', 'admin')}`);
      expect(usage.body.totals.requests).toBe('2');
    });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  const draftList = async (price: object) => {
    const response = await request(gateway.app.getHttpServer())
      .post('/api/v1/finance/what-if')
      .set('Authorization', `Bearer ${gateway.token('fiona', 'finance')}`)
      .send({ from: day, to: day, prices: [{ provider: 'anthropic', model: 'claude-haiku-4-5', ...price }] });
    expect(response.status).toBe(200);
    return BigInt(response.body.totals.draft_list_cost_micros);
  };
  const expected = (model: Parameters<typeof costMicros>[0]) =>
    recorded.reduce(
      (sum, r) =>
        sum +
        costMicros(model, r.inputTokens, r.outputTokens, { readTokens: r.read, writeTokens: r.written }),
      0n,
    );

  it("re-prices cached tokens at the catalog's cache ratios to the draft's input price", async () => {
    expect(recorded.map((r) => [r.written, r.read])).toEqual([
      [2_100, 0],
      [0, 2_100],
    ]);
    // Haiku's catalog cache rates are 0.1 and 1.25 of its input: with a $2 input, $0.20 and $2.50.
    const price = { input_micros_per_million: '2000000', output_micros_per_million: '10000000' };
    expect(await draftList(price)).toBe(
      expected({
        inputMicrosPerMillion: 2_000_000n,
        outputMicrosPerMillion: 10_000_000n,
        cacheReadMicrosPerMillion: 200_000n,
        cacheWriteMicrosPerMillion: 2_500_000n,
      }),
    );
  });

  it('re-prices cached tokens at the cache rates the draft gives', async () => {
    const price = {
      input_micros_per_million: '2000000',
      output_micros_per_million: '10000000',
      cache_read_micros_per_million: '0',
      cache_write_micros_per_million: '2000000',
    };
    expect(await draftList(price)).toBe(
      expected({
        inputMicrosPerMillion: 2_000_000n,
        outputMicrosPerMillion: 10_000_000n,
        cacheReadMicrosPerMillion: 0n,
        cacheWriteMicrosPerMillion: 2_000_000n,
      }),
    );
  });
});
