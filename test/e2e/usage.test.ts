import { llmRequestStream, type RequestCompleted, type RequestFailed } from '@ops/domain';
import { EVENT_STORE, type EventStore } from '@ops/infra/event-store/event-store';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { ProjectorService } from '../../apps/projector/src/runtime/projector.service';
import { eventually, startTestApp, type TestApp } from '../support/app';

type Completed = RequestCompleted['data'];
type Failed = RequestFailed['data'];

/** 2^53 + 1: a float would lose the last unit, so exact sums prove no amount passes through one. */
const BEYOND_FLOAT = '9007199254740993';

function completed(overrides: Partial<Completed> & Pick<Completed, 'userId'>): Completed {
  return {
    requestId: randomUUID(),
    provider: 'groq',
    model: 'llama-3.1-8b',
    byok: false,
    tier: 'standard',
    inputTokens: 100,
    outputTokens: 20,
    costMicros: '150',
    listCostMicros: '150',
    latencyMs: 120.4,
    attempts: [],
    streamed: false,
    finishReason: 'stop',
    clientDisconnected: false,
    usageEstimated: false,
    ...overrides,
  };
}

function failed(overrides: Partial<Failed> & Pick<Failed, 'userId'>): Failed {
  return {
    requestId: randomUUID(),
    tier: 'standard',
    error: {
      type: 'upstream_error',
      code: 'all_providers_failed',
      status: 502,
      message: 'no provider answered',
    },
    latencyMs: 900,
    attempts: [],
    ...overrides,
  };
}

describe('usage: request events → usage_log and usage_daily → GET /api/v1/llm/usage', () => {
  let t: TestApp;
  let http: App;
  let store: EventStore;
  let db: Client;

  beforeAll(async () => {
    t = await startTestApp();
    http = t.app.getHttpServer();
    store = t.app.get<EventStore>(EVENT_STORE);
    db = new Client({ connectionString: t.database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  /** What the gateway will append; written here directly because the gateway is not part of this test. */
  const record = async (type: 'RequestCompleted' | 'RequestFailed', data: Completed | Failed, at: string) => {
    await store.append(
      llmRequestStream(data.requestId),
      [
        {
          id: randomUUID(),
          type,
          schemaVersion: 1,
          data: { ...data },
          metadata: {
            actor: data.userId,
            correlationId: data.requestId,
            causationId: null,
            occurredAt: at,
            source: 'gateway',
          },
        },
      ],
      'any',
    );
  };
  const usage = (query: Record<string, string | string[]>, token = t.token('alice', 'user')) =>
    request(http).get('/api/v1/llm/usage').query(query).set('Authorization', `Bearer ${token}`);
  const totalsOf = async (query: Record<string, string | string[]>, token?: string) =>
    (await usage(query, token)).body.totals;

  const march = { from: '2025-03-01', to: '2025-03-02' };

  beforeAll(async () => {
    // alice, 1 March (UTC): three completed on groq/llama (one at a cost beyond float precision), one on
    // openai/gpt-4o with her own key; 2 March: one failure after trying groq, one refused before any call.
    await record('RequestCompleted', completed({ userId: 'alice' }), '2025-03-01T08:00:00Z');
    await record(
      'RequestCompleted',
      completed({ userId: 'alice', costMicros: BEYOND_FLOAT, listCostMicros: BEYOND_FLOAT, inputTokens: 7 }),
      '2025-03-01T12:30:00Z',
    );
    await record(
      'RequestCompleted',
      completed({ userId: 'alice', outputTokens: 1 }),
      '2025-03-01T23:59:59.999Z',
    );
    await record(
      'RequestCompleted',
      completed({
        userId: 'alice',
        provider: 'openai',
        model: 'gpt-4o',
        byok: true,
        costMicros: '0',
        listCostMicros: '2500',
        inputTokens: 1000,
        outputTokens: 500,
        cacheReadTokens: 600,
        cacheWriteTokens: 100,
        cacheWrite1hTokens: 40,
        webSearchRequests: 2,
        streamed: true,
      }),
      '2025-03-01T15:00:00Z',
    );
    // 23:30 at UTC-2 is 01:30 UTC the next day: days are UTC days.
    await record(
      'RequestFailed',
      failed({
        userId: 'alice',
        attempts: [
          { provider: 'groq', model: 'llama-3.1-8b', outcome: 'timeout', status: null, latencyMs: 800 },
        ],
      }),
      '2025-03-01T23:30:00-02:00',
    );
    await record(
      'RequestFailed',
      failed({
        userId: 'alice',
        error: { type: 'payment', code: 'insufficient_credits', status: 402, message: 'x' },
      }),
      '2025-03-02T10:00:00Z',
    );
    await record(
      'RequestCompleted',
      completed({ userId: 'bob', costMicros: '40', listCostMicros: '40' }),
      '2025-03-01T09:00:00Z',
    );
    await eventually(async () =>
      expect(
        (await totalsOf({ from: '2025-03-01', to: '2025-03-02' }, t.token('root', 'admin'))).requests,
      ).toBe('7'),
    );
  });

  it('sums one user by day, provider and model exactly, failures included', async () => {
    const response = await usage({ ...march, group_by: 'day,provider,model' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      from: '2025-03-01T00:00:00.000Z',
      to: '2025-03-03T00:00:00.000Z',
      user_id: 'alice',
      group_by: ['day', 'provider', 'model'],
      truncated: false,
    });
    const measures = (
      requests: number,
      failed: number,
      input: number,
      output: number,
      cost: string,
      list: string,
      [cacheRead, cacheWrite, cacheWrite1h, searches] = [0, 0, 0, 0],
    ) => ({
      requests: String(requests),
      failed_requests: String(failed),
      input_tokens: String(input),
      output_tokens: String(output),
      cache_read_tokens: String(cacheRead),
      cache_write_tokens: String(cacheWrite),
      cache_write_1h_tokens: String(cacheWrite1h),
      web_search_requests: String(searches),
      cost_micros: cost,
      list_cost_micros: list,
    });
    const sumWithFloatless = (BigInt(BEYOND_FLOAT) + 300n).toString();
    expect(response.body.rows).toEqual([
      {
        day: '2025-03-01',
        provider: 'groq',
        model: 'llama-3.1-8b',
        ...measures(3, 0, 207, 41, sumWithFloatless, sumWithFloatless),
      },
      {
        day: '2025-03-01',
        provider: 'openai',
        model: 'gpt-4o',
        ...measures(1, 0, 1000, 500, '0', '2500', [600, 100, 40, 2]),
      },
      { day: '2025-03-02', provider: '', model: '', ...measures(1, 1, 0, 0, '0', '0') },
      { day: '2025-03-02', provider: 'groq', model: 'llama-3.1-8b', ...measures(1, 1, 0, 0, '0', '0') },
    ]);
    expect(response.body.totals).toEqual(
      measures(
        6,
        2,
        1207,
        541,
        sumWithFloatless,
        (BigInt(BEYOND_FLOAT) + 2800n).toString(),
        [600, 100, 40, 2],
      ),
    );
  });

  it('groups by one dimension, with group_by repeated or as a list; by day when none is given', async () => {
    const byProvider = await usage({ ...march, group_by: ['provider'] });
    expect(
      byProvider.body.rows.map((row: { provider: string; requests: string }) => [row.provider, row.requests]),
    ).toEqual([
      ['', '1'],
      ['groq', '4'],
      ['openai', '1'],
    ]);
    const repeated = await usage({ ...march, group_by: ['model', 'day'] });
    const listed = await usage({ ...march, group_by: 'model,day,model' });
    expect(repeated.body.rows).toEqual(listed.body.rows);
    expect(listed.body.group_by).toEqual(['model', 'day']);
    const byDay = await usage(march);
    expect(byDay.body.rows.map((row: { day: string; requests: string }) => [row.day, row.requests])).toEqual([
      ['2025-03-01', '4'],
      ['2025-03-02', '2'],
    ]);
  });

  it('answers a range within a day from the per-request log, to the millisecond', async () => {
    const afternoon = await usage({
      from: '2025-03-01T12:30:00Z',
      to: '2025-03-01T23:59:59.999Z',
      group_by: 'model',
    });
    expect(afternoon.status).toBe(200);
    expect(afternoon.body.rows).toEqual([
      expect.objectContaining({ model: 'gpt-4o', requests: '1' }),
      expect.objectContaining({ model: 'llama-3.1-8b', requests: '1', cost_micros: BEYOND_FLOAT }),
    ]);
    const offset = await usage({ from: '2025-03-01T14:30:00+02:00', to: '2025-03-01T13:30:00.001Z' });
    expect(offset.body.totals.requests).toBe('1');
  });

  it('gives the same sums from the log as from the daily table', async () => {
    const daily = await usage({ ...march, group_by: 'day,provider,model' });
    // One millisecond off midnight: the same requests, answered from usage_log.
    const log = await usage({
      from: '2025-02-28T23:59:59.999Z',
      to: '2025-03-03',
      group_by: 'day,provider,model',
    });
    expect(log.body.rows).toEqual(daily.body.rows);
    expect(log.body.totals).toEqual(daily.body.totals);
    const tables = await db.query(
      `SELECT (SELECT sum(cost_micros)::text FROM usage_log) AS log, (SELECT sum(cost_micros)::text FROM usage_daily) AS daily,
              (SELECT count(*)::text FROM usage_log) AS rows, (SELECT sum(requests)::text FROM usage_daily) AS requests`,
    );
    expect(tables.rows[0].log).toBe(tables.rows[0].daily);
    expect(tables.rows[0].rows).toBe(tables.rows[0].requests);
  });

  it('records each request once, with its failure code, rounded latency and attribution', async () => {
    const { rows } = await db.query(
      `SELECT provider, model, byok, status, error_code, latency_ms, streamed FROM usage_log
       WHERE user_id = 'alice' AND status = 'failed' ORDER BY provider`,
    );
    expect(rows).toEqual([
      {
        provider: '',
        model: '',
        byok: false,
        status: 'failed',
        error_code: 'insufficient_credits',
        latency_ms: 900,
        streamed: false,
      },
      {
        provider: 'groq',
        model: 'llama-3.1-8b',
        byok: false,
        status: 'failed',
        error_code: 'all_providers_failed',
        latency_ms: 900,
        streamed: false,
      },
    ]);
  });

  it('counts a request once even when a second terminal event arrives for it', async () => {
    const first = completed({ userId: 'dup', costMicros: '10', listCostMicros: '10' });
    await record('RequestCompleted', first, '2025-03-05T10:00:00Z');
    await record('RequestCompleted', { ...first, costMicros: '99' }, '2025-03-05T10:00:01Z');
    const marker = completed({ userId: 'dup', costMicros: '1', listCostMicros: '1' });
    await record('RequestCompleted', marker, '2025-03-05T11:00:00Z');
    const admin = t.token('root', 'admin');
    await eventually(async () =>
      expect(await totalsOf({ from: '2025-03-05', to: '2025-03-05', user_id: 'dup' }, admin)).toMatchObject({
        requests: '2',
        cost_micros: '11',
      }),
    );
  });

  it('sums a large batch exactly', async () => {
    const count = 250;
    // Appended together, so the projector takes them in batches of up to PROJECTOR_BATCH_SIZE.
    await Promise.all(
      Array.from({ length: count }, (_, index) =>
        record(
          'RequestCompleted',
          completed({
            userId: 'batch',
            provider: index % 2 ? 'together' : 'fireworks',
            costMicros: String(index),
            listCostMicros: String(index),
          }),
          `2025-04-0${1 + (index % 3)}T12:00:00Z`,
        ),
      ),
    );
    const admin = t.token('root', 'admin');
    const totals = await eventually(async () => {
      const current = await totalsOf({ from: '2025-04-01', to: '2025-04-30', user_id: 'batch' }, admin);
      expect(current.requests).toBe(String(count));
      return current;
    });
    expect(totals.cost_micros).toBe(String((count * (count - 1)) / 2));
    expect(totals.input_tokens).toBe(String(count * 100));
    const byProvider = await usage(
      { from: '2025-04-01', to: '2025-04-30', user_id: 'batch', group_by: 'provider' },
      admin,
    );
    expect(byProvider.body.rows.map((row: { requests: string }) => row.requests)).toEqual(['125', '125']);
  });

  it('shows admins every user, each row naming its user, or one user on request', async () => {
    const admin = t.token('root', 'admin');
    const everyone = await usage({ from: '2025-03-01', to: '2025-03-01', group_by: 'provider' }, admin);
    expect(everyone.status).toBe(200);
    expect(everyone.body.user_id).toBeNull();
    expect(everyone.body.rows).toEqual([
      expect.objectContaining({ user_id: 'alice', provider: 'groq', requests: '3' }),
      expect.objectContaining({ user_id: 'alice', provider: 'openai', requests: '1' }),
      expect.objectContaining({ user_id: 'bob', provider: 'groq', requests: '1', cost_micros: '40' }),
    ]);
    const bob = await usage({ from: '2025-03-01', to: '2025-03-01', user_id: 'bob' }, admin);
    expect(bob.body).toMatchObject({ user_id: 'bob', totals: { requests: '1', cost_micros: '40' } });
    expect(bob.body.rows[0]).not.toHaveProperty('user_id');
  });

  it("keeps users to their own usage: another user's is 403, their own by name is fine", async () => {
    const bob = t.token('bob', 'user');
    expect((await usage({ ...march, user_id: 'alice' }, bob)).status).toBe(403);
    expect((await usage({ ...march, user_id: 'alice' }, t.token('carl', 'auditor'))).status).toBe(403);
    const own = await usage({ ...march, user_id: 'bob' }, bob);
    expect(own.body.totals.requests).toBe('1');
    const implicit = await usage(march, bob);
    expect(implicit.body).toMatchObject({ user_id: 'bob', totals: { requests: '1' } });
  });

  it('covers the last 30 UTC days, today included, by default', async () => {
    const now = new Date();
    await record('RequestCompleted', completed({ userId: 'recent' }), now.toISOString());
    await record(
      'RequestCompleted',
      completed({ userId: 'recent' }),
      new Date(now.getTime() - 29 * 86_400_000).toISOString(),
    );
    await record(
      'RequestCompleted',
      completed({ userId: 'recent' }),
      new Date(now.getTime() - 31 * 86_400_000).toISOString(),
    );
    const token = t.token('recent', 'user');
    const response = await eventually(async () => {
      const current = await usage({}, token);
      expect(current.body.totals.requests).toBe('2');
      return current;
    });
    const tomorrow = new Date(Math.floor(now.getTime() / 86_400_000 + 1) * 86_400_000);
    expect(response.body.to).toBe(tomorrow.toISOString());
    expect(response.body.from).toBe(new Date(tomorrow.getTime() - 30 * 86_400_000).toISOString());
  });

  it.each([
    ['an impossible date', { from: '2025-02-30' }, 'from'],
    ['a time without a zone', { from: '2025-03-01T10:00:00' }, 'from'],
    ['a week date', { to: '2025-W09' }, 'to'],
    ['from after to', { from: '2025-03-05', to: '2025-03-01' }, 'from'],
    ['a range over 366 days', { from: '2024-01-01', to: '2025-01-01' }, 'to'],
    ['an unknown dimension', { group_by: 'day,user' }, 'group_by'],
    ['an empty group_by', { group_by: '' }, 'group_by'],
    ['a malformed user id', { user_id: '../alice' }, 'user_id'],
    ['an unknown parameter', { limit: '5' }, 'limit'],
  ])('refuses %s with 400', async (_why, query, field) => {
    const response = await usage(query);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  it('accepts a whole leap year', async () => {
    expect((await usage({ from: '2024-01-01', to: '2024-12-31' })).status).toBe(200);
  });

  it('rebuilds both tables from the log to the same sums', async () => {
    const before = await db.query('SELECT * FROM usage_daily ORDER BY user_id, day, provider, model, byok');
    const log = await db.query('SELECT count(*)::int AS n FROM usage_log');
    const projector = t.app.get(ProjectorService);
    await projector.reset('usage');
    expect((await db.query('SELECT count(*)::int AS n FROM usage_daily')).rows[0].n).toBe(0);
    await projector.waitUntilCaughtUp('usage', undefined, 20);
    await eventually(async () =>
      expect((await db.query('SELECT count(*)::int AS n FROM usage_log')).rows[0].n).toBe(log.rows[0].n),
    );
    const after = await db.query('SELECT * FROM usage_daily ORDER BY user_id, day, provider, model, byok');
    expect(after.rows).toEqual(before.rows);
  });
});
