import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { App } from 'supertest/types';
import { Pool } from 'pg';
import { signLocalToken } from '@ops/infra/auth';
import { createSignInLink } from '../../apps/api/src/console/sign-in-links';
import { startTestApp, type TestApp } from '../support/app';

/** The console's sign-in: a one-time link's code for a session whose token sign-out revokes. */
describe('console sessions', () => {
  let t: TestApp;
  let http: App;
  let pool: Pool;

  beforeAll(async () => {
    t = await startTestApp();
    http = t.app.getHttpServer();
    pool = new Pool({ connectionString: t.database.url, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await t?.close();
  });

  const link = (subject: string, ...roles: ('admin' | 'user' | 'auditor' | 'finance')[]) =>
    createSignInLink(async (sql, parameters) => (await pool.query(sql, parameters)).rows, { subject, roles });
  const signIn = (code: string) => request(http).post('/api/v1/console/sessions').send({ code });

  it('exchanges a code once: the second use is refused, and the code is not stored in clear', async () => {
    const code = await link('ops-admin', 'admin');
    const first = await signIn(code);
    expect(first.status).toBe(201);
    expect(first.body.user).toEqual({ id: 'ops-admin', roles: ['admin'] });
    const token = first.body.access_token as string;
    expect((await request(http).get('/api/v1/hosts').set('Authorization', `Bearer ${token}`)).status).toBe(
      200,
    );

    const second = await signIn(code);
    expect(second.status).toBe(401);
    expect(second.headers['content-type']).toContain('application/problem+json');
    expect(second.body.errors).toEqual([{ field: 'code', message: expect.stringContaining('already used') }]);

    const stored = await pool.query('SELECT code_hash FROM console_sign_in_links');
    expect(JSON.stringify(stored.rows)).not.toContain(code);
  });

  it('lets only one of two simultaneous uses of a code win', async () => {
    const code = await link('racer', 'user');
    const answers = await Promise.all([signIn(code), signIn(code), signIn(code)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 401, 401]);
  });

  it('refuses an expired link, and a malformed code on its field', async () => {
    const code = await link('late', 'user');
    await pool.query("UPDATE console_sign_in_links SET expires_at = now() - interval '1 second'");
    expect((await signIn(code)).status).toBe(401);
    const malformed = await signIn('not a code');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toBe('code');
  });

  it('signs out: the session token is refused at once, other tokens are not', async () => {
    const { body } = await signIn(await link('leaver', 'user'));
    const auth = { Authorization: `Bearer ${body.access_token}` };
    expect((await request(http).get('/api/v1/console/me').set(auth)).body).toEqual({
      id: 'leaver',
      roles: ['user'],
    });
    expect((await request(http).delete('/api/v1/console/sessions/current').set(auth)).status).toBe(204);
    const after = await request(http).get('/api/v1/console/me').set(auth);
    expect(after.status).toBe(401);
    expect(after.body.detail).toContain('session has ended');
    // A token of no session (the CLI's) cannot be signed out, and stays valid.
    const cli = { Authorization: `Bearer ${t.token('leaver', 'user')}` };
    expect((await request(http).delete('/api/v1/console/sessions/current').set(cli)).status).toBe(400);
    expect((await request(http).get('/api/v1/console/me').set(cli)).status).toBe(200);
  });

  it('refuses a forged session claim that names no session', async () => {
    const forged = signLocalToken(
      { sub: 'mallory', roles: ['admin'], ttlSeconds: 60, sessionId: '00000000-0000-4000-8000-000000000000' },
      { secret: t.config.JWT_SECRET!, issuer: t.config.JWT_ISSUER, audience: t.config.JWT_AUDIENCE },
    );
    expect((await request(http).get('/api/v1/hosts').set('Authorization', `Bearer ${forged}`)).status).toBe(
      401,
    );
  });

  describe('the live feed', () => {
    let origin: string;

    beforeAll(async () => {
      const server = t.app.getHttpServer();
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    /** Reads server-sent events until `until` accepts one; answers every event read. */
    async function readEvents(token: string, until: (event: string, data: string) => boolean) {
      const abort = new AbortController();
      const response = await fetch(`${origin}/api/v1/console/events`, {
        headers: { Authorization: `Bearer ${token}` },
        signal: abort.signal,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      const seen: { event: string; data: string }[] = [];
      let text = '';
      const timeout = setTimeout(() => abort.abort(), 15_000);
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return seen;
          text += value;
          let end: number;
          while ((end = text.indexOf('\n\n')) >= 0) {
            const block = text.slice(0, end);
            text = text.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
            const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
            seen.push({ event, data });
            if (until(event, data)) return seen;
          }
        }
      } finally {
        clearTimeout(timeout);
        abort.abort();
      }
    }

    it('refuses a caller without a token', async () => {
      expect((await fetch(`${origin}/api/v1/console/events`)).status).toBe(401);
    });

    it('says on `ready` where its notices start: at or after every change made before it', async () => {
      const granted = await request(http)
        .post('/api/v1/llm/credits/grant')
        .set('Authorization', `Bearer ${t.token('ops-admin', 'admin')}`)
        .send({ user_id: 'erin', amount_micros: '1000000', reason: 'live feed test' })
        .expect(201);
      const written = granted.headers['x-ops-position'] as string;
      const seen = await readEvents(t.token('erin', 'user'), (event) => event === 'ready');
      const { position } = JSON.parse(seen[0].data) as { position: string };
      expect(position >= written).toBe(true);
    });

    it("tells a user of their own balance changes, never of someone else's", async () => {
      const admin = t.token('ops-admin', 'admin');
      const grant = (userId: string) =>
        request(http)
          .post('/api/v1/llm/credits/grant')
          .set('Authorization', `Bearer ${admin}`)
          .send({ user_id: userId, amount_micros: '1000000', reason: 'live feed test' })
          .expect(201);
      const reading = readEvents(t.token('bob', 'user'), (event, data) => {
        if (event === 'ready') void grant('carol').then(() => grant('bob'));
        return event === 'notice' && JSON.parse(data).user_id === 'bob';
      });
      const seen = await reading;
      expect(seen[0].event).toBe('ready');
      const notices = seen.filter((item) => item.event === 'notice').map((item) => JSON.parse(item.data));
      expect(notices).toEqual([
        expect.objectContaining({ kind: 'balance', user_id: 'bob', event_type: 'CreditsGranted' }),
      ]);
      // The notice carries no amounts: the console refetches through the API's own checks.
      expect(notices[0]).not.toHaveProperty('amount_micros');
    });

    it("tells an admin of any account's balance", async () => {
      const admin = t.token('ops-admin', 'admin');
      const seen = await readEvents(admin, (event, data) => {
        if (event === 'ready') {
          void request(http)
            .post('/api/v1/llm/credits/grant')
            .set('Authorization', `Bearer ${admin}`)
            .send({ user_id: 'dave', amount_micros: '1000000', reason: 'live feed test' })
            .expect(201)
            .then(() => undefined);
        }
        return event === 'notice' && JSON.parse(data).user_id === 'dave';
      });
      expect(seen.at(-1)?.data).toContain('"kind":"balance"');
    });
  });
});
