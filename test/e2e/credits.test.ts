import request from 'supertest';
import { DataSource } from 'typeorm';
import type { App } from 'supertest/types';
import { eventually, startTestApp, type TestApp } from '../support/app';

describe('credits: grant → event → projection → query', () => {
  let t: TestApp;
  let http: App;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    http = t.app.getHttpServer();
    admin = t.token('root-admin', 'admin');
  });
  afterAll(() => t?.close());

  const grant = (body: unknown, token = admin, headers: Record<string, string> = {}) =>
    request(http)
      .post('/api/v1/llm/credits/grant')
      .set('Authorization', `Bearer ${token}`)
      .set(headers)
      .send(body as object);

  it('grants credits, then shows them in the balance and the history', async () => {
    const first = await grant({ user_id: 'alice', amount_micros: '5000000', reason: 'welcome' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      user_id: 'alice',
      amount_micros: '5000000',
      balance_micros: '5000000',
    });
    const second = await grant({ user_id: 'alice', amount_micros: 250_000, reason: 'refund' });
    expect(second.status).toBe(201);
    expect(second.body.balance_micros).toBe('5250000');

    const alice = t.token('alice', 'user');
    const balance = await eventually(async () => {
      const response = await request(http).get('/api/v1/llm/credits').set('Authorization', `Bearer ${alice}`);
      expect(response.body.balance_micros).toBe('5250000');
      return response;
    });
    expect(balance.status).toBe(200);

    const history = await request(http)
      .get('/api/v1/llm/credits/history')
      .set('Authorization', `Bearer ${alice}`);
    expect(history.status).toBe(200);
    expect(history.body.items.map((item: { reason: string }) => item.reason)).toEqual(['refund', 'welcome']);
    expect(history.body.items[0]).toMatchObject({
      kind: 'grant',
      amount_micros: '250000',
      balance_after_micros: '5250000',
      actor: 'root-admin',
    });
  });

  it('pages the history newest first with a cursor', async () => {
    for (let index = 1; index <= 5; index++) {
      expect(
        (await grant({ user_id: 'pager', amount_micros: String(index), reason: `r${index}` })).status,
      ).toBe(201);
    }
    const page = (cursor?: string) =>
      request(http)
        .get('/api/v1/llm/credits/history')
        .query({ user_id: 'pager', limit: 2, ...(cursor ? { cursor } : {}) })
        .set('Authorization', `Bearer ${admin}`);
    const reasons: string[] = [];
    let cursor: string | undefined;
    await eventually(async () => expect((await page()).body.items[0]?.reason).toBe('r5'));
    do {
      const response = await page(cursor);
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(2);
      reasons.push(...response.body.items.map((item: { reason: string }) => item.reason));
      cursor = response.body.next_cursor ?? undefined;
    } while (cursor);
    expect(reasons).toEqual(['r5', 'r4', 'r3', 'r2', 'r1']);
  });

  it('lets admins read any account and refuses that to users', async () => {
    const bob = t.token('bob', 'user');
    const own = await request(http).get('/api/v1/llm/credits').set('Authorization', `Bearer ${bob}`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ user_id: 'bob', balance_micros: '0' });
    const other = await request(http)
      .get('/api/v1/llm/credits?user_id=alice')
      .set('Authorization', `Bearer ${bob}`);
    expect(other.status).toBe(403);
    expect(other.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('refuses grants from non-admins (403) and anonymous callers (401), appending nothing', async () => {
    const before = await t.countEvents();
    const asUser = await grant({ user_id: 'bob', amount_micros: '1', reason: 'x' }, t.token('bob', 'user'));
    expect(asUser.status).toBe(403);
    const anonymous = await request(http)
      .post('/api/v1/llm/credits/grant')
      .send({ user_id: 'bob', amount_micros: '1', reason: 'x' });
    expect(anonymous.status).toBe(401);
    expect(await t.countEvents()).toBe(before);
  });

  it.each([
    ['a negative amount', { user_id: 'bob', amount_micros: '-5', reason: 'x' }, 'amount_micros'],
    ['a zero amount', { user_id: 'bob', amount_micros: '0', reason: 'x' }, 'amount_micros'],
    [
      'an absurd amount',
      { user_id: 'bob', amount_micros: '99999999999999999999', reason: 'x' },
      'amount_micros',
    ],
    ['over a million USD', { user_id: 'bob', amount_micros: '1000000000001', reason: 'x' }, 'amount_micros'],
    ['a fractional amount', { user_id: 'bob', amount_micros: 1.5, reason: 'x' }, 'amount_micros'],
    ['an unsafe integer', { user_id: 'bob', amount_micros: 2 ** 60, reason: 'x' }, 'amount_micros'],
    ['a boolean amount', { user_id: 'bob', amount_micros: true, reason: 'x' }, 'amount_micros'],
    ['an empty user id', { user_id: '', amount_micros: '1', reason: 'x' }, 'user_id'],
    ['a malformed user id', { user_id: '../etc/passwd', amount_micros: '1', reason: 'x' }, 'user_id'],
    ['a numeric user id', { user_id: 42, amount_micros: '1', reason: 'x' }, 'user_id'],
    ['a missing reason', { user_id: 'bob', amount_micros: '1' }, 'reason'],
    ['a blank reason', { user_id: 'bob', amount_micros: '1', reason: '   ' }, 'reason'],
    ['an unknown field', { user_id: 'bob', amount_micros: '1', reason: 'x', bonus: true }, 'bonus'],
  ])('refuses %s with a 4xx problem naming the field, appending nothing', async (_, body, field) => {
    const before = await t.countEvents();
    const response = await grant(body);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(JSON.stringify(response.body)).toContain(field);
    expect(await t.countEvents()).toBe(before);
  });

  it('refuses malformed JSON with 400, appending nothing', async () => {
    const before = await t.countEvents();
    const response = await request(http)
      .post('/api/v1/llm/credits/grant')
      .set('Authorization', `Bearer ${admin}`)
      .set('Content-Type', 'application/json')
      .send('{"user_id": "bob", "amount_micros": ');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(await t.countEvents()).toBe(before);
  });

  it('grants once per Idempotency-Key, however often the request is retried', async () => {
    const body = { user_id: 'carol', amount_micros: '700', reason: 'retry me' };
    const headers = { 'Idempotency-Key': 'grant-carol-1' };
    const before = await t.countEvents();
    const responses = await Promise.all([1, 2, 3].map(() => grant(body, admin, headers)));
    expect(responses.map((response) => response.status)).toEqual([201, 201, 201]);
    expect(new Set(responses.map((response) => response.body.event_id)).size).toBe(1);
    expect(responses.map((response) => response.body.balance_micros)).toEqual(['700', '700', '700']);
    expect(await t.countEvents()).toBe(before + 1);
    const again = await grant(body, admin, headers);
    expect(again.body).toMatchObject({ replayed: true, balance_micros: '700' });
    expect(await t.countEvents()).toBe(before + 1);
  });

  it('refuses an Idempotency-Key reused for another account', async () => {
    const headers = { 'Idempotency-Key': 'grant-dave-1' };
    expect((await grant({ user_id: 'dave', amount_micros: '1', reason: 'a' }, admin, headers)).status).toBe(
      201,
    );
    const before = await t.countEvents();
    const reused = await grant({ user_id: 'erin', amount_micros: '1', reason: 'a' }, admin, headers);
    expect(reused.status).toBe(422);
    expect(await t.countEvents()).toBe(before);
  });

  it('refuses an Idempotency-Key reused on the same account with another body, as Stripe does', async () => {
    const headers = { 'Idempotency-Key': 'grant-fay-1' };
    const first = { user_id: 'fay', amount_micros: '5', reason: 'first' };
    expect((await grant(first, admin, headers)).status).toBe(201);
    const before = await t.countEvents();
    const reused = await grant({ ...first, amount_micros: '500' }, admin, headers);
    expect(reused.status).toBe(422);
    expect(reused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(await t.countEvents()).toBe(before);
    expect((await grant(first, admin, headers)).body).toMatchObject({ replayed: true, balance_micros: '5' });
  });

  it('loses no grant when many race on one account', async () => {
    const count = 40;
    const responses = await Promise.all(
      Array.from({ length: count }, (_, index) =>
        grant({ user_id: 'race', amount_micros: String(index + 1), reason: `race ${index}` }),
      ),
    );
    expect(responses.every((response) => response.status === 201)).toBe(true);
    const expected = String((count * (count + 1)) / 2);
    await eventually(async () => {
      const response = await request(http)
        .get('/api/v1/llm/credits?user_id=race')
        .set('Authorization', `Bearer ${admin}`);
      expect(response.body.balance_micros).toBe(expected);
    });
    const history = await request(http)
      .get('/api/v1/llm/credits/history?user_id=race&limit=200')
      .set('Authorization', `Bearer ${admin}`);
    expect(history.body.items).toHaveLength(count);
  });

  it('records every event in the audit log with its actor', async () => {
    await eventually(async () => {
      const rows = await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM audit_log`);
      expect(rows[0].n).toBe(await t.countEvents());
    });
    const [row] = await t.app
      .get(DataSource)
      .query(
        `SELECT actor, action, stream_name FROM audit_log WHERE stream_name = 'credit-account-alice' LIMIT 1`,
      );
    expect(row).toEqual({
      actor: 'root-admin',
      action: 'credits.granted',
      stream_name: 'credit-account-alice',
    });
  });

  it('reports health with projection lag, metrics and the OpenAPI document', async () => {
    const health = await request(http).get('/health');
    expect(health.status).toBe(200);
    expect(health.body.database).toBe('up');
    expect(health.body.projections.map((projection: { name: string }) => projection.name)).toEqual(
      expect.arrayContaining(['audit-log', 'credit-ledger']),
    );
    // snake_case like every other body: lag_ms, last_error.
    for (const projection of health.body.projections) {
      expect(typeof projection.lag_ms).toBe('number');
      expect(Object.keys(projection).filter((key) => /[A-Z]/.test(key))).toEqual([]);
    }
    const metrics = await request(http).get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('http_request_duration_seconds');
    expect(metrics.text).toMatch(/ops_projection_lag_seconds\{projection="credit-ledger"\} \d/);
    expect(metrics.text).toMatch(/ops_projection_events_applied_total\{projection="credit-ledger"\} [1-9]/);
    const docs = await request(http).get('/docs-json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/llm/credits/grant',
        '/api/v1/llm/credits',
        '/api/v1/llm/credits/history',
      ]),
    );
  });
});
