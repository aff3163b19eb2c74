import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { waitUntilApplied } from '../support/local-users';
import { etcLine } from '../integration/host-agent/sandbox-fixtures';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface AuditItem {
  event_id: string;
  occurred_at: string;
  actor: string;
  action: string;
  event_type: string;
  stream: string;
  revision: string;
  host: string | null;
  user: string | null;
  outcome: string | null;
}

/** Idempotency, drift, audit queries and failed outcomes, against the single node and its sandbox agent. */
describe('local users end to end: idempotency, drift, audit queries, failures', () => {
  let t: TestApp;
  let http: App;
  let admin: string;
  let root: string;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp({ HOST_AGENT_INVENTORY_INTERVAL_MS: '1000' });
    http = t.app.getHttpServer();
    admin = t.token('ops-admin', 'admin');
    root = join(t.config.DATA_DIR, 'host-root');
    db = t.app.get(DataSource);
  });
  afterAll(() => t?.close());

  const as = (token: string) => ({
    get: (path: string) => request(http).get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string, body: object = {}, headers: Record<string, string> = {}) =>
      request(http).post(path).set('Authorization', `Bearer ${token}`).set(headers).send(body),
  });
  const api = () => as(admin);

  async function createdEvents(username: string): Promise<number> {
    const rows: { n: string }[] = await db.query(
      `SELECT count(*) AS n FROM events WHERE type = 'LocalUserCreated' AND stream_name = $1`,
      [`local-user-local/${username}`],
    );
    return Number(rows[0].n);
  }

  const applied = (username: string, revision: string) =>
    waitUntilApplied((path) => api().get(path), username, revision);

  async function host(): Promise<{ unmanaged_accounts: string[] | null; missing_accounts: string[] | null }> {
    const response = await api().get('/api/v1/hosts/local');
    expect(response.status).toBe(200);
    return response.body;
  }

  describe('Idempotency-Key', () => {
    it('creates once when the same request is sent twice in a row', async () => {
      const body = { username: 'ida', full_name: 'Ida Retry' };
      const headers = { 'Idempotency-Key': 'create-ida-1' };
      expect(await createdEvents('ida')).toBe(0);

      const first = await api().post('/api/v1/local-users', body, headers);
      expect(first.status).toBe(202);
      expect(first.body).toMatchObject({ username: 'ida', changed: true });
      expect(await createdEvents('ida')).toBe(1);

      const second = await api().post('/api/v1/local-users', body, headers);
      expect(second.status).toBe(202);
      expect(second.body.revision).toBe(first.body.revision);
      expect(await createdEvents('ida')).toBe(1);

      // Without the key, the same request is a second creation, which the account refuses.
      const unkeyed = await api().post('/api/v1/local-users', body);
      expect(unkeyed.status).toBe(409);
      expect(await createdEvents('ida')).toBe(1);

      await applied('ida', first.body.revision);
      expect(await etcLine(root, 'passwd', 'ida')).toMatch(/^ida:x:\d+:\d+:Ida Retry:/);
      expect(await createdEvents('ida')).toBe(1);
    });

    it('creates once when three identical requests arrive at the same time', async () => {
      const body = { username: 'ivy', groups: ['users'] };
      const headers = { 'Idempotency-Key': 'create-ivy-concurrently' };
      const responses = await Promise.all(
        [1, 2, 3].map(() => api().post('/api/v1/local-users', body, headers)),
      );
      expect(responses.map((response) => response.status)).toEqual([202, 202, 202]);
      expect(new Set(responses.map((response) => response.body.revision)).size).toBe(1);
      expect(await createdEvents('ivy')).toBe(1);
      await applied('ivy', responses[0].body.revision);
      expect(await createdEvents('ivy')).toBe(1);
    });

    it('refuses the same key for a different account with 422, creating nothing', async () => {
      const reused = await api().post(
        '/api/v1/local-users',
        { username: 'ines' },
        { 'Idempotency-Key': 'create-ida-1' },
      );
      expect(reused.status).toBe(422);
      expect(await createdEvents('ines')).toBe(0);
      expect((await api().get('/api/v1/local-users/ines')).status).toBe(404);
    });

    it('refuses a malformed Idempotency-Key with 400, appending nothing', async () => {
      const response = await api().post(
        '/api/v1/local-users',
        { username: 'ike' },
        { 'Idempotency-Key': 'has spaces in it' },
      );
      expect(response.status).toBe(400);
      expect(await createdEvents('ike')).toBe(0);
    });
  });

  describe('drift between the host and what is managed', () => {
    it('reports an account made by hand as unmanaged', async () => {
      await run('/usr/sbin/useradd', ['--prefix', root, '-m', 'handmade']);
      expect(await etcLine(root, 'passwd', 'handmade')).toBeDefined();
      await eventually(async () => {
        expect((await host()).unmanaged_accounts).toContain('handmade');
      }, 20_000);
      expect((await host()).missing_accounts).not.toContain('handmade');
    });

    it('reports a managed account removed by hand as missing, and the user as not on the host', async () => {
      const created = await api().post('/api/v1/local-users', { username: 'dora' });
      expect(created.status).toBe(202);
      await applied('dora', created.body.revision);
      await eventually(async () => {
        const view = await host();
        expect(view.missing_accounts).not.toContain('dora');
        expect(view.unmanaged_accounts).not.toContain('dora');
        expect((await api().get('/api/v1/local-users/dora')).body.on_host).toBe(true);
      }, 20_000);

      await run('/usr/sbin/userdel', ['--prefix', root, 'dora']);
      expect(await etcLine(root, 'passwd', 'dora')).toBeUndefined();
      await eventually(async () => {
        expect((await host()).missing_accounts).toContain('dora');
        const user = await api().get('/api/v1/local-users/dora');
        expect(user.status).toBe(200);
        expect(user.body.on_host).toBe(false);
      }, 20_000);
      expect((await host()).unmanaged_accounts).toContain('handmade');
    });
  });

  describe('audit log queries', () => {
    const pager = () => as(t.token('pager', 'admin'));
    const created = ['pg1', 'pg2', 'pg3', 'pg4', 'pg5'];
    let from = '';
    let to = '';

    beforeAll(async () => {
      for (const username of created) {
        if (username === 'pg3') from = new Date().toISOString();
        const response = await pager().post('/api/v1/local-users', { username });
        expect(response.status).toBe(202);
        // Distinct milliseconds, so "newest first" has one right order and the time range clean edges.
        await sleep(5);
        if (username === 'pg4') {
          to = new Date().toISOString();
          await sleep(5);
        }
      }
      await eventually(async () => {
        const response = await api().get('/api/v1/audit-log?actor=pager&action=local_user.created');
        expect(response.body.items).toHaveLength(created.length);
      });
      // Let the agent apply them, so the log is quiet while it is paged.
      for (const username of created) {
        await eventually(async () => {
          expect((await api().get(`/api/v1/local-users/${username}`)).body.state).toBe('applied');
        }, 20_000);
      }
    });

    async function allPages(query: string, limit: number): Promise<{ items: AuditItem[]; pages: number }> {
      const items: AuditItem[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const suffix: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const response = await api().get(`/api/v1/audit-log?${query}&limit=${limit}${suffix}`);
        expect(response.status).toBe(200);
        expect(response.body.items.length).toBeLessThanOrEqual(limit);
        items.push(...response.body.items);
        cursor = response.body.next_cursor;
        pages++;
        expect(pages).toBeLessThan(1000);
      } while (cursor !== null);
      return { items, pages };
    }

    it('filters by actor', async () => {
      const response = await api().get('/api/v1/audit-log?actor=pager&limit=500');
      expect(response.status).toBe(200);
      const items: AuditItem[] = response.body.items;
      expect(items.length).toBeGreaterThanOrEqual(created.length);
      expect(items.every((item) => item.actor === 'pager')).toBe(true);
      expect(items.filter((item) => item.action === 'local_user.created').map((item) => item.user)).toEqual(
        [...created].reverse(),
      );

      const others = await api().get('/api/v1/audit-log?actor=ops-admin&limit=500');
      expect(others.body.items.length).toBeGreaterThan(0);
      expect(others.body.items.every((item: AuditItem) => item.actor === 'ops-admin')).toBe(true);
      expect(others.body.items.some((item: AuditItem) => created.includes(item.user ?? ''))).toBe(false);
      expect((await api().get('/api/v1/audit-log?actor=nobody-at-all')).body).toEqual({
        items: [],
        next_cursor: null,
      });
    });

    it('filters by action', async () => {
      const response = await api().get('/api/v1/audit-log?action=local_user.created&limit=500');
      const items: AuditItem[] = response.body.items;
      expect(items.every((item) => item.action === 'local_user.created')).toBe(true);
      expect(items.every((item) => item.event_type === 'LocalUserCreated')).toBe(true);
      expect(items.map((item) => item.user)).toEqual(
        expect.arrayContaining(['ida', 'ivy', 'dora', ...created]),
      );
      // Exactly one creation per account, retries included.
      const users = items.map((item) => item.user);
      expect(new Set(users).size).toBe(users.length);

      const applied = await api().get('/api/v1/audit-log?action=host_change.applied&limit=500');
      expect(applied.body.items.length).toBeGreaterThan(0);
      expect(applied.body.items.every((item: AuditItem) => item.outcome === 'applied')).toBe(true);
    });

    it('filters by time range, from inclusive and to exclusive', async () => {
      const response = await api().get(
        `/api/v1/audit-log?actor=pager&action=local_user.created&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      );
      expect(response.status).toBe(200);
      expect(response.body.items.map((item: AuditItem) => item.user)).toEqual(['pg4', 'pg3']);
      for (const item of response.body.items as AuditItem[]) {
        expect(Date.parse(item.occurred_at)).toBeGreaterThanOrEqual(Date.parse(from));
        expect(Date.parse(item.occurred_at)).toBeLessThan(Date.parse(to));
      }

      const untilTo = await api().get(
        `/api/v1/audit-log?actor=pager&action=local_user.created&to=${encodeURIComponent(to)}`,
      );
      expect(untilTo.body.items.map((item: AuditItem) => item.user)).toEqual(['pg4', 'pg3', 'pg2', 'pg1']);
      const sinceFrom = await api().get(
        `/api/v1/audit-log?actor=pager&action=local_user.created&from=${encodeURIComponent(from)}`,
      );
      expect(sinceFrom.body.items.map((item: AuditItem) => item.user)).toEqual(['pg5', 'pg4', 'pg3']);
      const invalid = await api().get('/api/v1/audit-log?from=yesterday');
      expect(invalid.status).toBe(400);
    });

    it('pages with limit=2 through every matching entry exactly once, newest first', async () => {
      const narrow = await allPages('actor=pager&action=local_user.created', 2);
      expect(narrow.pages).toBe(3);
      expect(narrow.items.map((item) => item.user)).toEqual([...created].reverse());

      // Every entry of the host, paged, against one big page of the same query. The agent may still
      // be reporting, so a round during which an entry arrived is taken again.
      await eventually(async () => {
        const whole = await api().get('/api/v1/audit-log?host=local&limit=500');
        expect(whole.body.next_cursor).toBeNull();
        const expected: AuditItem[] = whole.body.items;
        const paged = await allPages('host=local', 2);
        expect(paged.items.map((item) => item.event_id)).toEqual(expected.map((item) => item.event_id));
        expect(new Set(paged.items.map((item) => item.event_id)).size).toBe(paged.items.length);
        expect(paged.pages).toBe(Math.max(1, Math.ceil(expected.length / 2)));
        for (let index = 1; index < paged.items.length; index++) {
          const [newer, older] = [paged.items[index - 1], paged.items[index]];
          const order = Date.parse(newer.occurred_at) - Date.parse(older.occurred_at);
          expect(order).toBeGreaterThanOrEqual(0);
          if (order === 0) expect(newer.event_id > older.event_id).toBe(true);
        }
      });
    });

    it('lets auditors read it, and refuses users and bad cursors', async () => {
      const auditor = as(t.token('aud', 'auditor'));
      const read = await auditor.get('/api/v1/audit-log?actor=pager&limit=1');
      expect(read.status).toBe(200);
      expect(read.body.items).toHaveLength(1);
      expect(read.body.next_cursor).toEqual(expect.any(String));
      expect((await auditor.get('/api/v1/local-users')).status).toBe(403);

      expect((await as(t.token('someone', 'user')).get('/api/v1/audit-log')).status).toBe(403);
      expect((await request(http).get('/api/v1/audit-log')).status).toBe(401);

      const cursorOf = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');
      for (const cursor of [
        'not a cursor!',
        Buffer.from('nonsense').toString('base64url'),
        cursorOf(['not-a-time', '0b2f0f8e-0000-4000-8000-000000000000']),
        cursorOf(['2024-01-01T00:00:00.000Z', 'not-a-uuid']),
        cursorOf(['1', '0b2f0f8e-0000-4000-8000-000000000000']),
        'x'.repeat(1001),
      ]) {
        const response = await api().get(`/api/v1/audit-log?cursor=${encodeURIComponent(cursor)}`);
        expect(response.status).toBe(400);
      }
    });
  });

  describe('a change the host cannot apply', () => {
    // How the host reports a failure it could not foresee is in local-users-failures.test.ts.
    it('is refused before any event when the inventory shows the host lacks the group', async () => {
      const before = await t.countEvents();
      const created = await api().post('/api/v1/local-users', {
        username: 'gus',
        groups: ['no-such-group'],
      });
      expect(created.status).toBe(400);
      expect(JSON.stringify(created.body)).toContain('the host has no group no-such-group');
      expect(await t.countEvents()).toBe(before);
      expect(await etcLine(root, 'passwd', 'gus')).toBeUndefined();
      expect((await api().get('/api/v1/local-users/gus')).status).toBe(404);
    });
  });
});
