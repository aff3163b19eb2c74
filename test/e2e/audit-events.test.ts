import { EVENT_STORE, type EventStore, type NewEvent } from '@ops/infra/event-store/event-store';
import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { eventually, startTestApp, type TestApp } from '../support/app';

interface EventJson {
  stream: string;
  revision: string;
  position: string;
  id: string;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recorded_at: string;
  integrity: { previous_hash: string | null; hash: string } | null;
}

function event(type: string, actor: string, data: Record<string, unknown> = {}): NewEvent {
  return {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    data,
    metadata: {
      actor,
      correlationId: randomUUID(),
      causationId: null,
      occurredAt: new Date().toISOString(),
      source: 'test',
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('audit events API: the log, filtered, paged and streamed', () => {
  let t: TestApp;
  let http: App;
  let store: EventStore;
  let auditor: string;
  let probe: Client;
  let all: EventJson[];

  beforeAll(async () => {
    t = await startTestApp();
    http = t.app.getHttpServer();
    store = t.app.get(EVENT_STORE);
    auditor = t.token('carol', 'auditor');
    probe = new Client({ connectionString: t.database.url });
    await probe.connect();

    const admin = t.token('root-admin', 'admin');
    // The in-process host agent announces this host at start: let it finish, so the log holds still.
    await eventually(async () => {
      const hosts = await request(http).get('/api/v1/hosts').set('Authorization', `Bearer ${admin}`);
      expect(
        hosts.body.items.find((host: { host_id: string }) => host.host_id === 'local')?.inventory_taken_at,
      ).toBeTruthy();
    }, 20_000);
    for (const [user, amount] of [
      ['alice', '1000000'],
      ['bob', '2000000'],
      ['alice', '500000'],
    ]) {
      const response = await request(http)
        .post('/api/v1/llm/credits/grant')
        .set('Authorization', `Bearer ${admin}`)
        .send({ user_id: user, amount_micros: amount, reason: 'audit test' });
      expect(response.status).toBe(201);
    }
    // Spread over time so that recorded-time filters have edges to cut at.
    await sleep(20);
    // Probes live in a real category (only real categories can be filtered on) no projection reads.
    await store.append(
      'llm-request-r1',
      [event('ProbeStarted', 'gateway'), event('ProbeFinished', 'gateway')],
      'no_stream',
    );
    await sleep(20);
    await store.append(
      'local-user-local/dave',
      [event('AuditProbeRecorded', 'root-admin', { hostId: 'local', username: 'dave' })],
      'any',
    );
    await store.append(
      'llm-request-r2',
      [
        event('ProbeStarted', 'gateway'),
        // What the export writes as the database's JSON text must read back as the JSON pages do.
        event('ProbeFailed', 'gateway', {
          note: 'a "quote", a \\ backslash, a\nnewline, a\ttab, \u0001, é, ✓, \u2028 and 😀',
          nested: { list: [1, 2.5, -0.125, 1e21, null, true, 'x'], empty: {}, none: [] },
        }),
      ],
      'no_stream',
    );

    const everything = await request(http)
      .get('/api/v1/audit/events')
      .query({ limit: 1000 })
      .set('Authorization', `Bearer ${auditor}`);
    expect(everything.status).toBe(200);
    all = everything.body.items;
  });
  afterAll(async () => {
    await probe?.end();
    await t?.close();
  });

  const get = (path: string, query: Record<string, unknown> = {}, token = auditor) =>
    request(http).get(path).query(query).set('Authorization', `Bearer ${token}`);
  const events = (query: Record<string, unknown>) => get('/api/v1/audit/events', query);
  const ids = (items: EventJson[]) => items.map((item) => item.id);

  it('returns every event in log order with its stream, revision, position, data and metadata', async () => {
    expect(all.length).toBeGreaterThanOrEqual(8);
    const positions = all.map((item) => item.position);
    expect([...positions].sort()).toEqual(positions);
    expect(new Set(positions).size).toBe(positions.length);
    const grant = all.find((item) => item.stream === 'credit-account-bob');
    expect(grant).toMatchObject({
      revision: '0',
      type: 'CreditsGranted',
      schema_version: 1,
      data: { userId: 'bob', amountMicros: '2000000', reason: 'audit test' },
      metadata: { actor: 'root-admin', source: expect.any(String) },
    });
    expect(grant?.position).toMatch(/^\d{20}:\d{20}$/);
    expect(new Date(grant!.recorded_at).toISOString()).toBe(grant!.recorded_at);
    expect(grant).toHaveProperty('integrity');
  });

  it('filters by stream, category, type and actor, each alone and combined', async () => {
    const cases: [Record<string, string>, (item: EventJson) => boolean][] = [
      [{ stream: 'credit-account-alice' }, (item) => item.stream === 'credit-account-alice'],
      [{ category: 'llm-request-' }, (item) => item.stream.startsWith('llm-request-')],
      [{ type: 'ProbeStarted' }, (item) => item.type === 'ProbeStarted'],
      [{ actor: 'gateway' }, (item) => item.metadata.actor === 'gateway'],
      [
        { actor: 'root-admin', category: 'local-user-' },
        (item) => item.metadata.actor === 'root-admin' && item.stream.startsWith('local-user-'),
      ],
    ];
    for (const [query, matches] of cases) {
      const expected = all.filter(matches);
      expect(expected.length).toBeGreaterThan(0);
      const response = await events(query);
      expect(response.status).toBe(200);
      expect(ids(response.body.items)).toEqual(ids(expected));
    }
  });

  it('refuses a category that is not one (400), listing the valid ones, rather than finding nothing', async () => {
    for (const category of ['probe-', 'llm_request-', 'local-user-local/', 'local-user']) {
      const response = await events({ category });
      expect(response.status).toBe(400);
      const [error] = response.body.errors;
      expect(error.field).toBe('category');
      for (const valid of ['credit-account-', 'local-user-', 'llm-request-', 'host-']) {
        expect(error.message).toContain(valid);
      }
    }
  });

  it('filters on recorded time: `from` inclusive, `to` exclusive', async () => {
    const edge = all.find((item) => item.type === 'AuditProbeRecorded')!;
    const from = await events({ from: edge.recorded_at });
    expect(ids(from.body.items)).toEqual(ids(all.filter((item) => item.recorded_at >= edge.recorded_at)));
    expect(ids(from.body.items)).toContain(edge.id);
    const to = await events({ to: edge.recorded_at });
    expect(ids(to.body.items)).toEqual(ids(all.filter((item) => item.recorded_at < edge.recorded_at)));
    expect(ids(to.body.items)).not.toContain(edge.id);
    expect(to.body.items.length).toBeGreaterThan(0);
  });

  it('pages with a cursor: every event once, in order, whatever the page size', async () => {
    for (const limit of [1, 3]) {
      const seen: EventJson[] = [];
      let cursor: string | undefined;
      do {
        const response = await events({ limit, ...(cursor ? { cursor } : {}) });
        expect(response.status).toBe(200);
        expect(response.body.items.length).toBeLessThanOrEqual(limit);
        seen.push(...response.body.items);
        cursor = response.body.next_cursor ?? undefined;
      } while (cursor);
      expect(ids(seen)).toEqual(ids(all));
    }
  });

  it('accepts any event position as a cursor, and pages a filtered result', async () => {
    const gateway = all.filter((item) => item.metadata.actor === 'gateway');
    const first = await events({ actor: 'gateway', limit: 2 });
    expect(ids(first.body.items)).toEqual(ids(gateway.slice(0, 2)));
    expect(first.body.next_cursor).toBe(gateway[1].position);
    const rest = await events({ actor: 'gateway', cursor: first.body.next_cursor });
    expect(ids(rest.body.items)).toEqual(ids(gateway.slice(2)));
    expect(rest.body.next_cursor).toBeNull();
  });

  it('streams NDJSON: one event per line, the same events as the JSON pages', async () => {
    const response = await get('/api/v1/audit/events', {})
      .set('Accept', 'application/x-ndjson')
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(null, text));
      });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = (response.body as string).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line) as EventJson)).toEqual(all);
  });

  it('applies filters and limit to NDJSON too', async () => {
    const response = await get('/api/v1/audit/events', { category: 'credit-account-', limit: 2 })
      .set('Accept', 'application/json;q=0.5, application/x-ndjson')
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => done(null, text));
      });
    const lines = (response.body as string).trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as EventJson).id)).toEqual(
      ids(all.filter((item) => item.stream.startsWith('credit-account-')).slice(0, 2)),
    );
  });

  it('shows a whole stream in revision order, as a page like every list', async () => {
    const alice = await get('/api/v1/audit/streams/credit-account-alice');
    expect(alice.status).toBe(200);
    expect(alice.body.stream).toBe('credit-account-alice');
    expect(alice.body.items.map((item: EventJson) => item.revision)).toEqual(['0', '1']);
    expect(alice.body.items[1].data.amountMicros).toBe('500000');
    expect(alice.body.next_cursor).toBeNull();
  });

  it('takes a stream name with `/` as the rest of the path, or URL-encoded, for reading and verifying', async () => {
    const encoded = await get(`/api/v1/audit/streams/${encodeURIComponent('local-user-local/dave')}`);
    const plain = await get('/api/v1/audit/streams/local-user-local/dave');
    for (const dave of [encoded, plain]) {
      expect(dave.status).toBe(200);
      expect(dave.body.stream).toBe('local-user-local/dave');
      expect(dave.body.items.map((item: EventJson) => item.type)).toEqual(['AuditProbeRecorded']);
    }
    const ndjson = await get('/api/v1/audit/streams/local-user-local/dave').set(
      'Accept',
      'application/x-ndjson',
    );
    expect(JSON.parse(ndjson.text.trim())).toMatchObject({ stream: 'local-user-local/dave' });

    for (const path of [
      '/api/v1/audit/streams/local-user-local/dave/verify',
      `/api/v1/audit/streams/${encodeURIComponent('local-user-local/dave')}/verify`,
    ]) {
      const verified = await get(path);
      expect(verified.status).toBe(200);
      expect(verified.body).toMatchObject({ stream: 'local-user-local/dave', events: 1, ok: true });
    }
    // Encoded, a name ending in a route's own word stays a name: the stream `local-user-local/verify`.
    const named = await get(`/api/v1/audit/streams/${encodeURIComponent('local-user-local/verify')}`);
    expect(named.status).toBe(404);
    expect(named.body.detail).toBe('No stream named local-user-local/verify');
  });

  it('pages a stream by revision and streams it as NDJSON', async () => {
    const first = await get('/api/v1/audit/streams/llm-request-r1', { limit: 1 });
    expect(first.body.items.map((item: EventJson) => item.type)).toEqual(['ProbeStarted']);
    expect(first.body.next_cursor).toBe('1');
    const second = await get('/api/v1/audit/streams/llm-request-r1', { limit: 1, cursor: '1' });
    expect(second.body.items.map((item: EventJson) => item.type)).toEqual(['ProbeFinished']);

    const ndjson = await get('/api/v1/audit/streams/llm-request-r2').set('Accept', 'application/x-ndjson');
    expect(ndjson.status).toBe(200);
    expect(ndjson.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(
      ndjson.text
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as EventJson).type),
    ).toEqual(['ProbeStarted', 'ProbeFailed']);
  });

  it('answers 404 problem+json for a stream that has no event, in JSON and NDJSON alike', async () => {
    for (const accept of ['application/json', 'application/x-ndjson']) {
      const response = await get('/api/v1/audit/streams/credit-account-nobody').set('Accept', accept);
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('lets admins in too, refuses plain users (403) and anonymous callers (401)', async () => {
    const paths: [string, number][] = [
      ['/api/v1/audit/events', 200],
      ['/api/v1/audit/streams/credit-account-alice', 200],
      ['/api/v1/audit/credit-accounts/alice/state', 200],
      ['/api/v1/audit/local-users/local/nobody/state', 404],
    ];
    for (const [path, status] of paths) {
      expect((await get(path, {}, t.token('root-admin', 'admin'))).status).toBe(status);
      const user = await get(path, {}, t.token('alice', 'user'));
      expect(user.status).toBe(403);
      expect(user.headers['content-type']).toMatch(/^application\/problem\+json/);
      const anonymous = await request(http).get(path);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const ndjson = await get('/api/v1/audit/events', {}, t.token('alice', 'user')).set(
      'Accept',
      'application/x-ndjson',
    );
    expect(ndjson.status).toBe(403);
  });

  it.each([
    [{ limit: 0 }, 'limit'],
    [{ limit: 1001 }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ cursor: 'abc' }, 'cursor'],
    [{ from: 'yesterday' }, 'from'],
    [{ to: '2026-01-01T10:00:00' }, 'to'],
    [{ type: 'Drop Table' }, 'type'],
    [{ category: 'probe_' }, 'category'],
    [{ stream: '../etc' }, 'stream'],
    [{ colour: 'red' }, 'colour'],
  ])('refuses %j with 400 problem+json naming %s', async (query, field) => {
    for (const accept of ['application/json', 'application/x-ndjson']) {
      const response = await events(query).set('Accept', accept);
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    }
  });

  it('refuses a bad stream page cursor and a bad stream name with 400', async () => {
    expect((await get('/api/v1/audit/streams/credit-account-alice', { cursor: '-1' })).status).toBe(400);
    expect((await get(`/api/v1/audit/streams/${encodeURIComponent('bad stream')}`)).status).toBe(400);
  });

  describe('a large export', () => {
    const COUNT = 10_000;
    const exportSessions = async () =>
      (
        await probe.query<{ state: string; query: string; query_start: Date }>(
          `SELECT state, query, query_start FROM pg_stat_activity WHERE application_name = 'ops-center-audit' AND datname = current_database()`,
        )
      ).rows;

    beforeAll(async () => {
      const padding = 'x'.repeat(3_000);
      for (let batch = 0; batch < COUNT / 1_000; batch++) {
        const batchEvents = Array.from({ length: 1_000 }, (_, index) =>
          event('BulkRecorded', 'bulk', { index: batch * 1_000 + index, padding }),
        );
        await store.append(`privacy-bulk-${batch}`, batchEvents, 'no_stream');
      }
    });

    /** Opens the NDJSON export over a raw socket, so the test decides when to read. */
    async function openExport(): Promise<IncomingMessage> {
      const server = t.app.getHttpServer() as Server;
      if (!server.address()) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      return new Promise((resolve, reject) => {
        const req = httpRequest({
          host: '127.0.0.1',
          port,
          path: '/api/v1/audit/events?category=privacy-',
          headers: { Authorization: `Bearer ${auditor}`, Accept: 'application/x-ndjson' },
        });
        req.on('response', resolve).on('error', reject).end();
      });
    }

    it('sends the first lines while the server still holds its cursor, paused by a client that does not read', async () => {
      const response = await openExport();
      try {
        expect(response.statusCode).toBe(200);
        const firstChunk = await new Promise<Buffer>((resolve) => response.once('data', resolve));
        response.pause();
        expect(JSON.parse(firstChunk.toString('utf8').split('\n')[0])).toMatchObject({
          type: 'BulkRecorded',
        });

        // The client reads nothing more: the server fills the socket, then stops fetching with its
        // cursor open mid-result (no new FETCH for a while) instead of reading the whole result.
        await eventually(async () => {
          const [before] = await exportSessions();
          expect(before).toMatchObject({
            state: 'idle in transaction',
            query: expect.stringMatching(/^FETCH/),
          });
          await sleep(500);
          expect(await exportSessions()).toEqual([before]);
        }, 20_000);

        let text = firstChunk.toString('utf8');
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        const ended = new Promise((resolve) => response.on('end', resolve));
        response.resume();
        await ended;
        const lines = text.split('\n').filter((line) => line.length > 0);
        expect(lines).toHaveLength(COUNT);
        expect(lines.map((line) => (JSON.parse(line) as EventJson).data.index)).toEqual(
          Array.from({ length: COUNT }, (_, index) => index),
        );
        await eventually(async () =>
          expect((await exportSessions()).map((session) => session.state)).not.toContain(
            'idle in transaction',
          ),
        );
      } finally {
        response.destroy();
      }
    });

    it('ends the export and frees its cursor when the client goes away mid-stream', async () => {
      const response = await openExport();
      await new Promise((resolve) => response.once('data', resolve));
      response.destroy();
      await eventually(async () =>
        expect((await exportSessions()).map((session) => session.state)).not.toContain('idle in transaction'),
      );
      // The server is still fine, and so is its pool.
      expect((await events({ category: 'privacy-', limit: 1 })).status).toBe(200);
    });
  });
});
