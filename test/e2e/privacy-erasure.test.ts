import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { ByokKeyResolver } from '../../apps/api/src/byok/byok-key-resolver';
import { ProjectorService } from '../../apps/projector/src/runtime/projector.service';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { startFakeOpenAiProvider, type FakeProvider } from '../support/fake-providers';

const ALICE_KEY = 'sk-proj-aliceErasureTestKey00000000000a1c3';
const BOB_KEY = 'sk-proj-bobErasureTestKey0000000000000b0b0';

describe('privacy: erasure by crypto-shredding', () => {
  let t: TestApp;
  let http: App;
  let database: DataSource;
  let provider: FakeProvider;

  beforeAll(async () => {
    provider = await startFakeOpenAiProvider({ apiKey: null });
    t = await startTestApp({ OPENAI_BASE_URL: provider.baseUrl });
    http = t.app.getHttpServer();
    database = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
    await provider?.close();
  });

  const admin = () => t.token('root-admin', 'admin');
  const addKey = (user: string, apiKey: string, label: string) =>
    request(http)
      .post('/api/v1/llm/byok/keys')
      .set('Authorization', `Bearer ${t.token(user, 'user')}`)
      .send({ provider: 'openai', api_key: apiKey, label });
  const listKeys = (user: string) =>
    request(http)
      .get('/api/v1/llm/byok/keys')
      .set('Authorization', `Bearer ${t.token(user, 'user')}`);
  const erase = (subject: string, token = admin(), body: object = { confirm: decodeURIComponent(subject) }) =>
    request(http)
      .post(`/api/v1/privacy/subjects/${subject}/erase`)
      .set('Authorization', `Bearer ${token}`)
      .send(body);
  /** Every stored byte of the users' key events, hash-chain columns included. */
  const storedKeyEvents = async (): Promise<string[]> =>
    (
      await database.query(
        `SELECT e::text AS row FROM events e WHERE stream_name LIKE 'provider-keys-%' ORDER BY stream_name, revision`,
      )
    ).map((row: { row: string }) => row.row);

  it('stores keys for two users before anything is erased', async () => {
    expect((await addKey('alice', ALICE_KEY, 'alice private label')).status).toBe(201);
    expect((await addKey('bob', BOB_KEY, 'bob label')).status).toBe(201);
    await eventually(async () => expect((await listKeys('alice')).body.items).toHaveLength(1));
    await eventually(async () => expect((await listKeys('bob')).body.items).toHaveLength(1));
    expect(await t.app.get(ByokKeyResolver).keyFor('alice', 'openai')).toBe(ALICE_KEY);
  });

  it('lets only admins erase (403 for users, 401 anonymous) and refuses a malformed subject', async () => {
    const before = await t.countEvents();
    expect((await erase('alice', t.token('alice', 'user'))).status).toBe(403);
    expect((await erase('alice', t.token('audrey', 'auditor'))).status).toBe(403);
    expect((await request(http).post('/api/v1/privacy/subjects/alice/erase')).status).toBe(401);
    expect((await erase('bad%20subject')).status).toBe(400);
    expect(await t.countEvents()).toBe(before);
    expect(await t.app.get(ByokKeyResolver).keyFor('alice', 'openai')).toBe(ALICE_KEY);
  });

  it('refuses an erasure that does not repeat the subject id (400 saying how to confirm), erasing nothing', async () => {
    const before = await t.countEvents();
    for (const body of [{}, { confirm: 'bob' }, { confirm: 'ALICE' }, { confirm: ['alice'] }]) {
      const response = await erase('alice', admin(), body);
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.errors).toEqual([
        { field: 'confirm', message: expect.stringContaining('{"confirm": "<subject id>"}') },
      ]);
    }
    expect(await t.countEvents()).toBe(before);
    expect(await t.app.get(ByokKeyResolver).keyFor('alice', 'openai')).toBe(ALICE_KEY);
    expect((await listKeys('alice')).body.items).toEqual([expect.objectContaining({ status: 'valid' })]);
  });

  it('erases: the key no longer opens, reads as erased, and every stored event is untouched', async () => {
    const eventsBefore = await storedKeyEvents();
    const erased = await erase('alice');
    expect(erased.status).toBe(200);
    expect(erased.body).toEqual({
      subject: 'alice',
      erased_at: expect.any(String),
      already_erased: false,
      api_keys_revoked: 0,
      position: erased.headers['x-ops-position'],
    });

    // At once, in this process: the data key is gone, whatever the projection has seen yet.
    expect(await t.app.get(ByokKeyResolver).keyFor('alice', 'openai')).toBeNull();
    const listed = await listKeys('alice');
    expect(listed.body).toEqual({
      items: [expect.objectContaining({ provider: 'openai', status: 'erased', label: null })],
      next_cursor: null,
    });

    const [keyRow] = await database.query(`SELECT * FROM subject_data_keys WHERE subject = 'alice'`);
    expect(keyRow).toMatchObject({ wrapped_key: null, kek_id: null });
    expect(keyRow.destroyed_at).toBeInstanceOf(Date);

    const [recorded] = await database.query(
      `SELECT type, data FROM events WHERE stream_name = 'privacy-alice' ORDER BY revision`,
    );
    expect(recorded).toEqual({
      type: 'PersonalDataErased',
      data: { subject: 'alice', erasedBy: 'root-admin' },
    });
    expect(await storedKeyEvents()).toEqual(eventsBefore);

    await eventually(async () => {
      const [row] = await database.query(
        `SELECT status, sealed_key, sealed_label FROM provider_keys WHERE user_id = 'alice'`,
      );
      expect(row).toEqual({ status: 'erased', sealed_key: null, sealed_label: null });
    });
    expect(await t.app.get(ByokKeyResolver).providersWithKeys('alice')).toEqual(new Set());
  });

  it('is idempotent: erasing again records nothing and answers with the first erasure', async () => {
    const first = (
      await database.query(`SELECT destroyed_at FROM subject_data_keys WHERE subject = 'alice'`)
    )[0];
    const before = await t.countEvents();
    const again = await erase('alice');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ already_erased: true, erased_at: first.destroyed_at.toISOString() });
    expect(await t.countEvents()).toBe(before);
  });

  it('refuses new personal data for an erased person (409), appending nothing', async () => {
    const before = await t.countEvents();
    const asked = provider.requests.length;
    const response = await addKey('alice', ALICE_KEY, 'again');
    expect(response.status).toBe(409);
    expect(provider.requests.length).toBe(asked);
    expect(response.text).not.toContain(ALICE_KEY);
    expect(await t.countEvents()).toBe(before);
  });

  it('leaves everyone else readable', async () => {
    expect(await t.app.get(ByokKeyResolver).keyFor('bob', 'openai')).toBe(BOB_KEY);
    expect((await listKeys('bob')).body.items).toEqual([
      expect.objectContaining({ provider: 'openai', label: 'bob label', status: 'valid' }),
    ]);
  });

  it('keeps the erasure through a rebuild of the read model from the untouched events', async () => {
    await t.app.get(ProjectorService).reset('provider-keys');
    await eventually(async () => {
      const rows = await database.query(`SELECT user_id, status FROM provider_keys ORDER BY user_id`);
      expect(rows).toEqual([
        { user_id: 'alice', status: 'erased' },
        { user_id: 'bob', status: 'valid' },
      ]);
    });
    expect(await t.app.get(ByokKeyResolver).keyFor('alice', 'openai')).toBeNull();
  });
});
