import { generateKeyPairSync } from 'node:crypto';
import sshpk from 'sshpk';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { AuditLogCreditUser1732500001150 } from '../../libs/infra/src/database/migrations/1732500001150-audit-log-credit-user';
import { eventually, startTestApp, type TestApp } from '../support/app';

interface PageBody<Item> {
  items: Item[];
  next_cursor: string | null;
}

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function ed25519Key(comment: string): string {
  const pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return `${sshpk.parseKey(pem, 'pem').toString('ssh')} ${comment}`;
}

/** Every list route answers `{ items, next_cursor }` and pages by key, never by offset. */
describe('list routes: one page shape with keyset cursors', () => {
  let t: TestApp;
  let http: App;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    http = t.app.getHttpServer();
    admin = t.token('ops-admin', 'admin');
    // The in-process agent announces the default host at start; accounts can be created once it has.
    await eventually(async () => {
      const hosts = await get('/api/v1/hosts');
      const local = hosts.body.items.find((host: { host_id: string }) => host.host_id === 'local');
      expect(local?.inventory_taken_at).toBeTruthy();
    }, 20_000);
  });
  afterAll(() => t?.close());

  const get = (path: string, query: Record<string, unknown> = {}, token = admin) =>
    request(http).get(path).query(query).set('Authorization', `Bearer ${token}`);
  const post = (path: string, body: object, token = admin) =>
    request(http).post(path).set('Authorization', `Bearer ${token}`).send(body);

  /** Follows `next_cursor` to the end; `between` runs after each page but the last. */
  async function walk<Item>(
    path: string,
    query: Record<string, unknown>,
    options: { token?: string; between?: (page: number) => Promise<void> } = {},
  ): Promise<{ items: Item[]; pages: number }> {
    const items: Item[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await get(path, { ...query, ...(cursor ? { cursor } : {}) }, options.token);
      expect(response.status).toBe(200);
      const body = response.body as PageBody<Item>;
      expect(Object.keys(body).sort()).toEqual(expect.arrayContaining(['items', 'next_cursor']));
      expect(body.items.length).toBeLessThanOrEqual(Number(query.limit));
      items.push(...body.items);
      cursor = body.next_cursor;
      pages++;
      if (cursor) await options.between?.(pages);
    } while (cursor !== null && pages < 100);
    return { items, pages };
  }

  it('pages hosts by id: each once, none repeated when a host is registered before the cursor mid-walk', async () => {
    for (let index = 1; index <= 7; index++) {
      const id = `h-0${index}`;
      expect((await post('/api/v1/hosts', { host_id: id, name: `host ${index}` })).status).toBe(201);
    }
    const all = await eventually(async () => {
      const response = await get('/api/v1/hosts', { limit: 500 });
      expect(response.body.items).toHaveLength(8);
      expect(response.body.next_cursor).toBeNull();
      return (response.body.items as { host_id: string }[]).map((host) => host.host_id);
    });
    expect(all).toEqual(['h-01', 'h-02', 'h-03', 'h-04', 'h-05', 'h-06', 'h-07', 'local']);

    const walked = await walk<{ host_id: string }>(
      '/api/v1/hosts',
      { limit: 2 },
      {
        // An offset would shift by one here and show h-02 again.
        between: async (page) => {
          if (page !== 1) return;
          expect((await post('/api/v1/hosts', { host_id: 'h-00', name: 'late' })).status).toBe(201);
          await eventually(async () =>
            expect((await get('/api/v1/hosts', { limit: 500 })).body.items).toHaveLength(9),
          );
        },
      },
    );
    expect(walked.items.map((host) => host.host_id)).toEqual(all);
    expect(walked.pages).toBe(4);
  });

  it('pages API keys newest first', async () => {
    const pat = t.token('pat', 'user');
    for (const name of ['one', 'two', 'three', 'four', 'five']) {
      expect((await post('/api/v1/llm/api-keys', { name }, pat)).status).toBe(201);
    }
    const whole = await eventually(async () => {
      const response = await get('/api/v1/llm/api-keys', { limit: 500 }, pat);
      expect(response.body.items).toHaveLength(5);
      return response.body as PageBody<{ id: string; name: string; created_at: string }> & {
        user_id: string;
      };
    });
    expect(whole).toMatchObject({ user_id: 'pat', next_cursor: null });
    const times = whole.items.map((key) => key.created_at);
    expect(times).toEqual([...times].sort().reverse());
    const walked = await walk<{ id: string }>('/api/v1/llm/api-keys', { limit: 2 }, { token: pat });
    expect(walked.items.map((key) => key.id)).toEqual(whole.items.map((key) => key.id));
    expect(walked.pages).toBe(3);
  });

  it('pages local users per host and across every host; host and all_hosts together are refused', async () => {
    const names = ['lp5', 'lp3', 'lp1', 'lp4', 'lp2'];
    for (const username of names) {
      expect((await post('/api/v1/local-users', { username })).status).toBe(202);
    }
    await eventually(async () =>
      expect((await get('/api/v1/local-users', { limit: 500 })).body.items).toHaveLength(names.length),
    );
    const perHost = await walk<{ host: string; username: string }>('/api/v1/local-users', { limit: 2 });
    expect(perHost.items.map((user) => user.username)).toEqual(['lp1', 'lp2', 'lp3', 'lp4', 'lp5']);
    expect(perHost.pages).toBe(3);

    const everywhere = await walk<{ host: string; username: string }>('/api/v1/local-users', {
      all_hosts: true,
      limit: 3,
    });
    expect(everywhere.items.map((user) => `${user.host}/${user.username}`)).toEqual(
      names.map((name) => `local/${name}`).sort(),
    );
    expect(everywhere.items[0]).toMatchObject({ on_host: expect.any(Boolean), state: expect.any(String) });

    const both = await get('/api/v1/local-users', { all_hosts: true, host: 'local' });
    expect(both.status).toBe(400);
    expect((await get('/api/v1/local-users', { host: 'nowhere' })).status).toBe(404);
  });

  it('pages SSH keys in the order they were added, ties (one creation) broken by fingerprint', async () => {
    const keys = [ed25519Key('a@x'), ed25519Key('b@x'), ed25519Key('c@x')];
    expect((await post('/api/v1/local-users', { username: 'keyed', ssh_keys: keys })).status).toBe(202);
    const whole = await eventually(async () => {
      const response = await get('/api/v1/local-users/keyed/ssh-keys', { limit: 500 });
      expect(response.body.items).toHaveLength(3);
      return response.body as PageBody<{ fingerprint: string }>;
    });
    const fingerprints = whole.items.map((key) => key.fingerprint);
    expect(fingerprints).toEqual([...fingerprints].sort());
    const walked = await walk<{ fingerprint: string }>('/api/v1/local-users/keyed/ssh-keys', { limit: 1 });
    expect(walked.items.map((key) => key.fingerprint)).toEqual(fingerprints);
    expect(walked.pages).toBe(3);
  });

  it.each([
    ['/api/v1/hosts', 'not base64url', 'not a cursor!'],
    ['/api/v1/hosts', 'not JSON', Buffer.from('nonsense').toString('base64url')],
    ['/api/v1/hosts', 'too many parts', cursorOf(['h-01', 'extra'])],
    ['/api/v1/hosts', 'a number', cursorOf([1])],
    ['/api/v1/hosts', 'an object', cursorOf({ host_id: 'h-01' })],
    ['/api/v1/llm/api-keys', 'no time', cursorOf(['yesterday', '0b2f0f8e-0000-4000-8000-000000000000'])],
    ['/api/v1/llm/api-keys', 'SQL for an id', cursorOf(['2026-01-01T00:00:00.000Z', "x' OR '1'='1"])],
    [
      '/api/v1/llm/api-keys',
      'a time not ours',
      cursorOf(['2026-01-01T00:00:00Z', '0b2f0f8e-0000-4000-8000-000000000000']),
    ],
    ['/api/v1/local-users', 'an overlong name', cursorOf(['local', 'x'.repeat(501)])],
    ['/api/v1/audit-log', 'too few parts', cursorOf(['2026-01-01T00:00:00.000Z'])],
  ])('%s refuses a cursor it did not make (%s): 400 naming cursor', async (path, _, cursor) => {
    const response = await get(path, { cursor });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors).toEqual([{ field: 'cursor', message: expect.any(String) }]);
  });

  it.each([0, 501, 'ten'])('refuses limit=%s with 400', async (limit) => {
    for (const path of ['/api/v1/hosts', '/api/v1/llm/byok/keys', '/api/v1/local-users']) {
      const response = await get(path, { limit });
      expect(response.status).toBe(400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain('limit');
    }
  });

  it('finds credit movements with the audit log user filter, also in rows projected before the fix', async () => {
    for (const amount of ['1000000', '250000']) {
      expect(
        (await post('/api/v1/llm/credits/grant', { user_id: 'bob', amount_micros: amount, reason: 'test' }))
          .status,
      ).toBe(201);
    }
    const bobs = async () => {
      const response = await get('/api/v1/audit-log', { user: 'bob' });
      expect(response.status).toBe(200);
      return response.body.items as { user: string; action: string; stream: string }[];
    };
    await eventually(async () => expect(await bobs()).toHaveLength(2));
    for (const item of await bobs()) {
      expect(item).toMatchObject({ user: 'bob', action: 'credits.granted', stream: 'credit-account-bob' });
    }

    const database = t.app.get(DataSource);
    await database.query(`UPDATE audit_log SET target_user = NULL WHERE stream_name = 'credit-account-bob'`);
    expect(await bobs()).toEqual([]);
    const runner = database.createQueryRunner();
    try {
      await new AuditLogCreditUser1732500001150().up(runner);
    } finally {
      await runner.release();
    }
    expect(await bobs()).toHaveLength(2);
  });

  it('documents the page shape and the stream path in OpenAPI', async () => {
    const { body: document } = await request(http).get('/docs-json').set('Authorization', `Bearer ${admin}`);
    const envelope = document.components.schemas.PageEnvelope;
    expect(Object.keys(envelope.properties)).toEqual(['items', 'next_cursor']);
    for (const path of [
      '/api/v1/hosts',
      '/api/v1/local-users',
      '/api/v1/audit-log',
      '/api/v1/llm/byok/keys',
    ]) {
      const schema = document.paths[path].get.responses['200'].content['application/json'].schema;
      expect(schema.allOf[0]).toEqual({ $ref: '#/components/schemas/PageEnvelope' });
    }
    const byok = document.paths['/api/v1/llm/byok/keys'].get.responses['200'].content['application/json'];
    expect(byok.schema.allOf[1].properties.items.items).toEqual({
      $ref: '#/components/schemas/ProviderKeyView',
    });
    const streamPaths = Object.keys(document.paths).filter((path) =>
      path.startsWith('/api/v1/audit/streams/'),
    );
    expect(streamPaths).toHaveLength(2);
    for (const path of streamPaths) {
      const parameter = document.paths[path].get.parameters.find(
        (p: { name: string }) => p.name === 'stream',
      );
      expect(parameter.description).toContain('local-user-local%2Fcarol');
    }
  });
});
