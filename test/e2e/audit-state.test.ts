import { EVENT_STORE, type EventStore, type NewEvent } from '@ops/infra/event-store/event-store';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { App } from 'supertest/types';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { waitUntilApplied } from '../support/local-users';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the gateway will append for a request; appended directly until it exists. */
function creditEvent(type: string, data: Record<string, unknown>): NewEvent {
  return {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    data,
    metadata: {
      actor: 'gateway',
      correlationId: randomUUID(),
      causationId: null,
      occurredAt: new Date().toISOString(),
      source: 'test',
    },
  };
}

/** An instant `ms` milliseconds from an ISO time. */
const shifted = (iso: string, ms: number) => new Date(new Date(iso).getTime() + ms).toISOString();

describe('time travel: a stream folded up to an instant', () => {
  let t: TestApp;
  let http: App;
  let admin: string;
  let auditor: string;

  beforeAll(async () => {
    t = await startTestApp();
    http = t.app.getHttpServer();
    admin = t.token('root-admin', 'admin');
    auditor = t.token('carol', 'auditor');
  });
  afterAll(() => t?.close());

  const get = (path: string, query: Record<string, string> = {}) =>
    request(http).get(path).query(query).set('Authorization', `Bearer ${auditor}`);
  const post = (path: string, body: object = {}) =>
    request(http).post(path).set('Authorization', `Bearer ${admin}`).send(body);

  /** Recorded time of each revision of a stream, from the audit stream view. */
  async function recordedTimes(stream: string): Promise<string[]> {
    const response = await get(`/api/v1/audit/streams/${encodeURIComponent(stream)}`);
    expect(response.status).toBe(200);
    return response.body.items.map((event: { recorded_at: string }) => event.recorded_at);
  }

  describe('a credit account', () => {
    let times: string[];
    const state = (at?: string) =>
      get('/api/v1/audit/credit-accounts/erin/state', at === undefined ? {} : { at });

    beforeAll(async () => {
      const store = t.app.get<EventStore>(EVENT_STORE);
      const reservation = { userId: 'erin', reservationId: 'res-1', requestId: 'req-1' };
      // revision 0, 1: two grants
      expect(
        (await post('/api/v1/llm/credits/grant', { user_id: 'erin', amount_micros: '5000000', reason: 'a' }))
          .status,
      ).toBe(201);
      await sleep(15);
      expect(
        (await post('/api/v1/llm/credits/grant', { user_id: 'erin', amount_micros: '2000000', reason: 'b' }))
          .status,
      ).toBe(201);
      await sleep(15);
      // revision 2: a hold for a request
      await store.append(
        'credit-account-erin',
        [
          creditEvent('CreditsReserved', {
            ...reservation,
            amountMicros: '1000000',
            period: '2026-11',
            expiresAt: '2026-11-25T12:05:00.000Z',
          }),
        ],
        1n,
      );
      await sleep(15);
      // revisions 3, 4: the request settles (one append, one recorded time)
      await store.append(
        'credit-account-erin',
        [
          creditEvent('CreditsDebited', { ...reservation, amountMicros: '400000', period: '2026-11' }),
          creditEvent('CreditsReleased', { ...reservation, amountMicros: '1000000', reason: 'settled' }),
        ],
        2n,
      );
      await sleep(15);
      // revision 5: an admin takes some back
      expect(
        (await post('/api/v1/llm/credits/revoke', { user_id: 'erin', amount_micros: '600000', reason: 'c' }))
          .status,
      ).toBe(201);
      times = await recordedTimes('credit-account-erin');
      expect(times).toHaveLength(6);
    });

    it('has no state before its first event (404 problem+json)', async () => {
      const response = await state(shifted(times[0], -1));
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('shows the balance after each grant, including between them', async () => {
      const first = await state(times[0]);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        stream: 'credit-account-erin',
        at: times[0],
        revision: '0',
        recorded_at: times[0],
        state: { balance_micros: '5000000', reserved_micros: '0', available_micros: '5000000' },
      });
      expect(first.body.position).toMatch(/^\d{20}:\d{20}$/);
      expect((await state(shifted(times[1], -1))).body.state.balance_micros).toBe('5000000');
      const second = await state(times[1]);
      expect(second.body).toMatchObject({ revision: '1', state: { balance_micros: '7000000' } });
    });

    it('shows an open reservation while the request runs', async () => {
      const held = await state(shifted(times[3], -1));
      expect(held.body.revision).toBe('2');
      expect(held.body.state).toMatchObject({
        balance_micros: '7000000',
        reserved_micros: '1000000',
        available_micros: '6000000',
        reservations: [
          { reservation_id: 'res-1', request_id: 'req-1', amount_micros: '1000000', period: '2026-11' },
        ],
        spent_by_period: {},
      });
    });

    it('shows the debit and the released hold once the request settled', async () => {
      const settled = await state(times[3]);
      expect(settled.body.revision).toBe('4');
      expect(settled.body.state).toMatchObject({
        balance_micros: '6600000',
        reserved_micros: '0',
        reservations: [],
        spent_by_period: { '2026-11': '400000' },
      });
    });

    it('shows the revocation, now and at any later instant; `at` defaults to now', async () => {
      for (const at of [times[5], '2999-01-01', undefined]) {
        const response = await state(at);
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({ revision: '5', state: { balance_micros: '6000000' } });
      }
    });

    it('reads `at` with any time zone offset', async () => {
      const instant = new Date(times[1]);
      const plusTwo = new Date(instant.getTime() + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
      expect((await state(plusTwo)).body.revision).toBe('1');
    });

    it.each(['yesterday', '2026-11-25T10:00:00', '2026-13-01'])(
      'refuses at=%j with 400 problem+json',
      async (at) => {
        const response = await state(at);
        expect(response.status).toBe(400);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.body.errors.map((error: { field: string }) => error.field)).toContain('at');
      },
    );

    it('refuses a malformed user id with 400 and unknown query fields with 400', async () => {
      expect(
        (await get(`/api/v1/audit/credit-accounts/${encodeURIComponent('bad user')}/state`)).status,
      ).toBe(400);
      expect((await get('/api/v1/audit/credit-accounts/erin/state', { when: 'now' })).status).toBe(400);
    });

    it('is for auditors and admins only', async () => {
      const user = await request(http)
        .get('/api/v1/audit/credit-accounts/erin/state')
        .set('Authorization', `Bearer ${t.token('erin', 'user')}`);
      expect(user.status).toBe(403);
      expect((await request(http).get('/api/v1/audit/credit-accounts/erin/state')).status).toBe(401);
    });
  });

  describe('a local user', () => {
    const api = (path: string) => request(http).get(path).set('Authorization', `Bearer ${admin}`);
    const state = (at?: string) =>
      get('/api/v1/audit/local-users/local/frank/state', at === undefined ? {} : { at });

    beforeAll(async () => {
      // Creation waits for the host's first inventory (protected accounts are known by then).
      await eventually(async () => {
        const hosts = await api('/api/v1/hosts');
        expect(
          hosts.body.items.find((host: { host_id: string }) => host.host_id === 'local')?.inventory_taken_at,
        ).toBeTruthy();
      }, 20_000);
      const created = await post('/api/v1/local-users', {
        username: 'frank',
        password: 'a-Long-and-unusual-passphrase-7',
        full_name: 'Frank Auditee',
      });
      expect(created.status).toBe(202);
      await waitUntilApplied(api, 'frank', created.body.revision);
      await sleep(15);
      const sudo = await post('/api/v1/local-users/frank/sudo');
      expect(sudo.status).toBe(202);
      await waitUntilApplied(api, 'frank', sudo.body.revision);
      await sleep(15);
      const locked = await post('/api/v1/local-users/frank/lock');
      expect(locked.status).toBe(202);
      await waitUntilApplied(api, 'frank', locked.body.revision);
    });

    async function eventTimes(): Promise<Record<string, string>> {
      const response = await get(`/api/v1/audit/streams/${encodeURIComponent('local-user-local/frank')}`);
      return Object.fromEntries(
        response.body.items.map((event: { type: string; recorded_at: string }) => [
          event.type,
          event.recorded_at,
        ]),
      );
    }

    it('shows the account as created, then with sudo, then locked', async () => {
      const times = await eventTimes();
      const created = await state(times.LocalUserCreated);
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({
        stream: 'local-user-local/frank',
        revision: '0',
        state: {
          exists: true,
          host: 'local',
          username: 'frank',
          full_name: 'Frank Auditee',
          sudo: false,
          locked: false,
          has_password: true,
        },
      });
      expect((await state(shifted(times.LocalUserSudoGranted, -1))).body.state.sudo).toBe(false);
      expect((await state(times.LocalUserSudoGranted)).body.state).toMatchObject({
        sudo: true,
        locked: false,
      });
      expect((await state(times.LocalUserLocked)).body.state).toMatchObject({ sudo: true, locked: true });
    });

    it("includes the host's reports, and never the sealed password hash", async () => {
      const now = await state();
      expect(now.body.state.last_outcome).toMatchObject({ status: 'applied' });
      expect(JSON.stringify(now.body)).not.toMatch(/sealed|keyId|\$6\$/);
    });

    it('answers 404 before the account existed and for an unknown account, 400 for a bad username', async () => {
      const times = await eventTimes();
      expect((await state(shifted(times.LocalUserCreated, -1))).status).toBe(404);
      expect((await get('/api/v1/audit/local-users/local/nobody/state')).status).toBe(404);
      expect((await get('/api/v1/audit/local-users/local/Root/state')).status).toBe(400);
      expect((await get('/api/v1/audit/local-users/BAD_HOST/frank/state')).status).toBe(400);
    });
  });
});
