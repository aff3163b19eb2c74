import { MAX_ACTIVE_API_KEYS } from '@ops/domain/api-keys';
import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { whileProjectionHeld } from '../support/held-projection';

const KEY_FORMAT = /^sk-ops-[A-Za-z0-9_-]{43}$/;

describe('personal API keys: issue, authenticate, list, revoke', () => {
  let t: TestApp;
  let http: App;
  let db: Client;

  beforeAll(async () => {
    t = await startTestApp();
    http = t.app.getHttpServer();
    db = new Client({ connectionString: t.database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  const jwt = (sub: string, role: 'admin' | 'user' | 'auditor' = 'user') => t.token(sub, role);
  const issue = (token: string, body: unknown, headers: Record<string, string> = {}) =>
    request(http)
      .post('/api/v1/llm/api-keys')
      .set('Authorization', `Bearer ${token}`)
      .set(headers)
      .send(body as object);
  const list = (token: string, query: Record<string, string> = {}) =>
    request(http).get('/api/v1/llm/api-keys').query(query).set('Authorization', `Bearer ${token}`);
  const revoke = (token: string, id: string, query: Record<string, string> = {}) =>
    request(http).delete(`/api/v1/llm/api-keys/${id}`).query(query).set('Authorization', `Bearer ${token}`);
  const usage = (bearer: string, query: Record<string, string> = {}) =>
    request(http).get('/api/v1/llm/usage').query(query).set('Authorization', `Bearer ${bearer}`);
  /** The projection follows the log asynchronously: a new key works once it is applied. */
  const untilAccepted = (key: string) =>
    eventually(async () => {
      const response = await usage(key);
      expect(response.status).toBe(200);
      return response;
    });

  it('issues a key shown once, which then authenticates its owner on the usage route', async () => {
    const issued = await issue(jwt('alice'), { name: '  laptop ' });
    expect(issued.status).toBe(201);
    expect(issued.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'laptop',
      key: expect.stringMatching(KEY_FORMAT),
      prefix: issued.body.key.slice(0, 12),
      created_at: expect.any(String),
      expires_at: null,
      replayed: false,
      position: expect.stringMatching(/^\d{20}:\d{20}$/),
    });
    const response = await untilAccepted(issued.body.key);
    expect(response.body.user_id).toBe('alice');
  });

  it('never returns or stores the key again: the list, the events and the read model hold its hash only', async () => {
    const { body } = await issue(jwt('carol'), { name: 'ci' });
    await untilAccepted(body.key);
    const listed = await list(jwt('carol'));
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      user_id: 'carol',
      items: [
        {
          id: body.id,
          name: 'ci',
          prefix: body.prefix,
          created_at: body.created_at,
          expires_at: null,
          revoked_at: null,
        },
      ],
      next_cursor: null,
    });
    const secretPart = body.key.slice(12);
    expect(JSON.stringify(listed.body)).not.toContain(secretPart);
    const stored = await db.query(
      `SELECT (SELECT string_agg(data::text || metadata::text, '') FROM events) AS events,
              (SELECT string_agg(t::text, '') FROM api_keys t) AS keys`,
    );
    expect(stored.rows[0].events).not.toContain(secretPart);
    expect(stored.rows[0].keys).not.toContain(secretPart);
    expect(stored.rows[0].keys).toContain(createHash('sha256').update(body.key).digest('hex'));
  });

  it('issues once per Idempotency-Key, and a retry does not show the key again', async () => {
    const before = await t.countEvents();
    const headers = { 'Idempotency-Key': 'issue-dave-1' };
    const first = await issue(jwt('dave'), { name: 'script' }, headers);
    const retry = await issue(jwt('dave'), { name: 'script' }, headers);
    expect(first.status).toBe(201);
    expect(first.body.key).toMatch(KEY_FORMAT);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual({ ...first.body, key: null, replayed: true });
    expect(await t.countEvents()).toBe(before + 1);
  });

  it('revokes a key: it stops working, stays listed as revoked, and revoking again is harmless', async () => {
    const { body } = await issue(jwt('erin'), { name: 'old' });
    await untilAccepted(body.key);
    expect((await revoke(jwt('erin'), body.id)).status).toBe(204);
    await eventually(async () => expect((await usage(body.key)).status).toBe(401));
    const events = await t.countEvents();
    expect((await revoke(jwt('erin'), body.id)).status).toBe(204);
    expect(await t.countEvents()).toBe(events);
    const [item] = (await list(jwt('erin'))).body.items;
    expect(item).toMatchObject({ id: body.id, revoked_at: expect.any(String) });
  });

  it("answers 404 for another user's key, and leaves that key working", async () => {
    const { body } = await issue(jwt('frank'), { name: 'mine' });
    const before = await t.countEvents();
    const response = await revoke(jwt('mallory'), body.id);
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await revoke(jwt('mallory'), '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect(await t.countEvents()).toBe(before);
    await untilAccepted(body.key);
  });

  it('refuses a key on routes not marked for API keys, including the key routes themselves', async () => {
    const { body } = await issue(jwt('gina'), { name: 'gateway only' });
    await untilAccepted(body.key);
    const credits = await request(http).get('/api/v1/llm/credits').set('Authorization', `Bearer ${body.key}`);
    expect(credits.status).toBe(401);
    expect(credits.body.detail).toMatch(/API keys are accepted on the LLM gateway routes only/);
    expect(credits.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    const before = await t.countEvents();
    expect((await issue(body.key, { name: 'minted by a key' })).status).toBe(401);
    expect((await list(body.key)).status).toBe(401);
    expect((await revoke(body.key, body.id)).status).toBe(401);
    expect(await t.countEvents()).toBe(before);
  });

  it.each([
    ['an unknown key', `sk-ops-${randomBytes(32).toString('base64url')}`],
    ['a truncated key', 'sk-ops-abc'],
    ['a key with a stray character', `sk-ops-${randomBytes(32).toString('base64url')}!`],
  ])('answers 401 to %s on the usage route', async (_why, key) => {
    const response = await usage(key);
    expect(response.status).toBe(401);
    expect(response.body.detail).toBe('Invalid, expired or revoked API key');
  });

  it("acts as a plain user even when an admin owns it: no one else's usage", async () => {
    const { body } = await issue(jwt('root', 'admin'), { name: 'admin key' });
    await untilAccepted(body.key);
    expect((await usage(body.key, { user_id: 'alice' })).status).toBe(403);
    expect((await usage(jwt('root', 'admin'), { user_id: 'alice' })).status).toBe(200);
  });

  it('lets admins list and revoke anyone’s keys, and nobody else', async () => {
    const { body } = await issue(jwt('hank'), { name: 'leaked' });
    await eventually(async () =>
      expect((await list(jwt('root', 'admin'), { user_id: 'hank' })).body.items).toHaveLength(1),
    );
    expect((await list(jwt('ivan'), { user_id: 'hank' })).status).toBe(403);
    expect((await revoke(jwt('ivan'), body.id, { user_id: 'hank' })).status).toBe(403);
    expect((await revoke(jwt('root', 'admin'), body.id, { user_id: 'hank' })).status).toBe(204);
    await eventually(async () => expect((await usage(body.key)).status).toBe(401));
  });

  it(`allows ${MAX_ACTIVE_API_KEYS} active keys per user, then asks to revoke one`, async () => {
    const token = jwt('judy');
    const ids: string[] = [];
    for (let index = 0; index < MAX_ACTIVE_API_KEYS; index++) {
      const response = await issue(token, { name: `key ${index}` });
      expect(response.status).toBe(201);
      ids.push(response.body.id);
    }
    const refused = await issue(token, { name: 'one too many' });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/revoke one first/);
    expect((await revoke(token, ids[0])).status).toBe(204);
    expect((await issue(token, { name: 'one too many' })).status).toBe(201);
  });

  it.each([
    ['an empty name', { name: '' }],
    ['a blank name', { name: '   ' }],
    ['a name of 101 characters', { name: 'x'.repeat(101) }],
    ['a control character', { name: 'a\u0007b' }],
    ['a missing name', {}],
    ['a numeric name', { name: 7 }],
    ['an unknown field', { name: 'ok', scopes: ['all'] }],
  ])('refuses %s with 400 and appends nothing', async (_why, body) => {
    const before = await t.countEvents();
    const response = await issue(jwt('kim'), body);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(await t.countEvents()).toBe(before);
  });

  it('issues a key with an expiry, answered and listed, that is refused 401 from that instant', async () => {
    const expiresAt = new Date(Date.now() + 2_500);
    const { body } = await issue(jwt('liam'), { name: 'short-lived', expires_at: expiresAt.toISOString() });
    expect(body.expires_at).toBe(expiresAt.toISOString());
    await untilAccepted(body.key);
    const [item] = (await list(jwt('liam'))).body.items;
    expect(item).toMatchObject({ id: body.id, expires_at: expiresAt.toISOString(), revoked_at: null });
    await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 50));
    const refused = await usage(body.key);
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toBe('Invalid, expired or revoked API key');
    const gateway = await request(http).get('/v1/models').set('Authorization', `Bearer ${body.key}`);
    expect(gateway.status).toBe(401);
    expect(gateway.body.error).toMatchObject({ code: 'invalid_api_key' });
  });

  it.each([
    ['in the past', new Date(Date.now() - 60_000).toISOString()],
    ['without a time zone', '2030-01-01T00:00:00'],
    ['a date only', '2030-01-01'],
    ['more than ten years ahead', '2099-01-01T00:00:00Z'],
    ['not a date', 'tomorrow'],
  ])('refuses an expiry %s with 400 and appends nothing', async (_why, expires_at) => {
    const before = await t.countEvents();
    const response = await issue(jwt('kim'), { name: 'x', expires_at });
    expect(response.status).toBe(400);
    expect(response.body.errors).toContainEqual(expect.objectContaining({ field: 'expires_at' }));
    expect(await t.countEvents()).toBe(before);
  });

  it("revokes every key of a user at once: the owner's own, or an admin's for anyone", async () => {
    const keys = await Promise.all(['a', 'b'].map(async (name) => (await issue(jwt('mona'), { name })).body));
    await Promise.all(keys.map((key) => untilAccepted(key.key)));
    const revokeAll = (token: string, query: Record<string, string> = {}) =>
      request(http)
        .post('/api/v1/llm/api-keys/revoke-all')
        .query(query)
        .set('Authorization', `Bearer ${token}`);
    expect((await revokeAll(jwt('ivan'), { user_id: 'mona' })).status).toBe(403);
    const done = await revokeAll(jwt('root', 'admin'), { user_id: 'mona' });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ user_id: 'mona', revoked: 2, position: done.headers['x-ops-position'] });
    await eventually(async () => {
      for (const key of keys) expect((await usage(key.key)).status).toBe(401);
    });
    expect((await revokeAll(jwt('mona'))).body).toMatchObject({ user_id: 'mona', revoked: 0 });
  });

  it("revokes the subject's keys when their personal data is erased", async () => {
    const { body } = await issue(jwt('nina'), { name: 'to be erased' });
    await untilAccepted(body.key);
    const erased = await request(http)
      .post('/api/v1/privacy/subjects/nina/erase')
      .set('Authorization', `Bearer ${jwt('root', 'admin')}`)
      .send({ confirm: 'nina' });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ subject: 'nina', api_keys_revoked: 1 });
    await eventually(async () => expect((await usage(body.key)).status).toBe(401));
    const [item] = (await list(jwt('root', 'admin'), { user_id: 'nina' })).body.items;
    expect(item).toMatchObject({ id: body.id, revoked_at: expect.any(String) });
  });

  it('deactivating a person refuses their tokens and keys and revokes the keys; reactivating lets tokens in', async () => {
    const admin = jwt('root', 'admin');
    const access = (action: string, subject: string, token = admin) =>
      request(http).post(`/api/v1/users/${subject}/${action}`).set('Authorization', `Bearer ${token}`);
    const { body } = await issue(jwt('olga'), { name: 'olga key' });
    await untilAccepted(body.key);
    const before = await t.countEvents();
    expect((await access('deactivate', 'olga', jwt('ivan'))).status).toBe(403);
    expect((await access('deactivate', 'root')).status).toBe(403);
    expect((await access('deactivate', 'bad%20subject')).status).toBe(400);
    expect(await t.countEvents()).toBe(before);

    const done = await access('deactivate', 'olga');
    expect(done.status).toBe(200);
    expect(done.body).toEqual({
      subject: 'olga',
      active: false,
      api_keys_revoked: 1,
      position: done.headers['x-ops-position'],
    });
    await eventually(async () => {
      expect((await usage(body.key)).status).toBe(401);
      const refused = await usage(jwt('olga'));
      expect(refused.status).toBe(401);
      expect(refused.body.detail).toBe('This account is deactivated');
    });
    expect((await list(jwt('olga'))).status).toBe(401);
    const again = await t.countEvents();
    expect((await access('deactivate', 'olga')).body).toMatchObject({ active: false, api_keys_revoked: 0 });
    expect(await t.countEvents()).toBe(again);

    expect((await access('reactivate', 'olga')).body).toMatchObject({
      subject: 'olga',
      active: true,
      api_keys_revoked: 0,
    });
    await eventually(async () => expect((await usage(jwt('olga'))).status).toBe(200));
    expect((await usage(body.key)).status).toBe(401);
  });

  it('answers the issue only once the key authenticates, even while the projection is held back', async () => {
    const issued = await whileProjectionHeld(t.database.url, 'api-keys', 300, () =>
      issue(jwt('ryw'), { name: 'fresh' }).then((response) => response),
    );
    expect(issued.status).toBe(201);
    const used = await request(http).get('/v1/models').set('Authorization', `Bearer ${issued.body.key}`);
    expect(used.status).toBe(200);
    expect((await list(jwt('ryw'))).body.items.map((key: { id: string }) => key.id)).toEqual([
      issued.body.id,
    ]);
  });

  it('refuses auditors (403), anonymous callers (401) and ids that are not UUIDs (400)', async () => {
    expect((await issue(jwt('audrey', 'auditor'), { name: 'x' })).status).toBe(403);
    expect((await request(http).post('/api/v1/llm/api-keys').send({ name: 'x' })).status).toBe(401);
    expect((await revoke(jwt('kim'), 'not-a-uuid')).status).toBe(400);
  });
});
