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
});
