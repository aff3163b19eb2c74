import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { ByokKeyResolver } from '../../apps/api/src/byok/byok-key-resolver';
import { DataKeyVault, KekRing, loadKekKeys } from '@ops/infra/crypto/data-keys';
import { ProviderKeysQueries } from '@ops/read-models';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { BUILD_TIMEOUT_MS, buildIfStale, runCli } from '../support/cli';
import {
  startFakeAnthropicProvider,
  startFakeOpenAiProvider,
  type FakeProvider,
} from '../support/fake-providers';
import { freePort } from '../support/free-port';
import { whileProjectionHeld } from '../support/held-projection';

const OPENAI_KEY = 'sk-proj-e2eValidOpenAiKey0000000000001234';
const ANTHROPIC_KEY = 'sk-ant-api03-e2eValidAnthropicKey00000000abcd';
const GROQ_KEY = 'gsk_e2eUnreachableGroqKey000000000wxyz';

interface KeyView {
  provider: string;
  label: string | null;
  last4: string;
  added_at: string;
  validated_at: string | null;
  status: string;
}

describe('BYOK: users bring their own provider keys', () => {
  let t: TestApp;
  let http: App;
  let openai: FakeProvider;
  let anthropic: FakeProvider;
  const alice = () => t.token('alice', 'user');
  /** Every response body, to prove none of them ever carried a key back. */
  const bodies: string[] = [];

  beforeAll(async () => {
    await buildIfStale();
    openai = await startFakeOpenAiProvider({ name: 'openai', apiKey: OPENAI_KEY });
    anthropic = await startFakeAnthropicProvider({ name: 'anthropic', apiKey: ANTHROPIC_KEY });
    t = await startTestApp({
      OPENAI_BASE_URL: openai.baseUrl,
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      // Nothing listens there: the provider cannot be reached.
      GROQ_BASE_URL: `http://127.0.0.1:${await freePort()}/openai/v1`,
    });
    http = t.app.getHttpServer();
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
    await openai?.close();
    await anthropic?.close();
  });

  const record = (response: request.Response) => {
    bodies.push(response.text);
    return response;
  };
  const addKey = async (body: object, token = alice(), headers: Record<string, string> = {}) =>
    record(
      await request(http)
        .post('/api/v1/llm/byok/keys')
        .set('Authorization', `Bearer ${token}`)
        .set(headers)
        .send(body),
    );
  const listKeys = async (token = alice()) =>
    record(await request(http).get('/api/v1/llm/byok/keys').set('Authorization', `Bearer ${token}`));
  const removeKey = async (provider: string, token = alice()) =>
    record(
      await request(http).delete(`/api/v1/llm/byok/keys/${provider}`).set('Authorization', `Bearer ${token}`),
    );
  const keysOf = async (token = alice()): Promise<KeyView[]> => (await listKeys(token)).body.items;

  it('checks a key against the provider, stores it, and lists only its last four characters', async () => {
    const added = await addKey({ provider: 'openai', api_key: OPENAI_KEY, label: 'work account' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      provider: 'openai',
      label: 'work account',
      last4: '1234',
      status: 'valid',
    });
    expect(added.body.validated_at).toEqual(expect.any(String));
    const check = openai.requests.find((seen) => seen.path === '/v1/models');
    expect(check?.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);

    const [listed] = await eventually(async () => {
      const keys = await keysOf();
      expect(keys).toHaveLength(1);
      return keys;
    });
    expect(listed).toEqual({
      provider: 'openai',
      label: 'work account',
      last4: '1234',
      added_at: expect.any(String),
      validated_at: added.body.validated_at,
      status: 'valid',
    });
  });

  it('checks Anthropic keys in its own wire format', async () => {
    const added = await addKey({ provider: 'anthropic', api_key: ANTHROPIC_KEY });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ status: 'valid', last4: 'abcd', label: null });
    expect(anthropic.requests.find((seen) => seen.path.startsWith('/v1/models'))?.headers['x-api-key']).toBe(
      ANTHROPIC_KEY,
    );
  });

  it('stores a key the provider cannot be asked about as unverified, and says so', async () => {
    const added = await addKey({ provider: 'groq', api_key: GROQ_KEY });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ status: 'unverified', validated_at: null, last4: 'wxyz' });
    expect(added.body.detail).toMatch(/unverified/);
    await eventually(async () =>
      expect((await keysOf()).find((key) => key.provider === 'groq')).toMatchObject({
        status: 'unverified',
        validated_at: null,
      }),
    );
  });

  it('refuses a key of the wrong shape with 422 before asking the provider, appending nothing', async () => {
    const before = await t.countEvents();
    const asked = openai.requests.length;
    const response = await addKey({ provider: 'openai', api_key: 'not-a-key' });
    expect(response.status).toBe(422);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body.errors).toEqual([
      { field: 'api_key', message: expect.stringMatching(/OpenAI API key/) },
    ]);
    expect(openai.requests.length).toBe(asked);
    expect(await t.countEvents()).toBe(before);
  });

  it('refuses a key the provider rejects (401) with 422 and the provider’s reason, appending nothing', async () => {
    const before = await t.countEvents();
    const wrong = 'sk-proj-wrongButWellFormedKey000000009999';
    const response = await addKey({ provider: 'openai', api_key: wrong });
    expect(response.status).toBe(422);
    expect(response.body.errors[0].field).toBe('api_key');
    expect(response.body.errors[0].message).toMatch(/OpenAI refused the key: Incorrect API key provided/);
    expect(response.text).not.toContain(wrong);
    expect(await t.countEvents()).toBe(before);
  });

  it.each([
    ['an unknown provider', { provider: 'acme', api_key: OPENAI_KEY }, 'provider'],
    ['a provider on the platform', { provider: 'ollama', api_key: OPENAI_KEY }, 'provider'],
    ['a missing key', { provider: 'openai' }, 'api_key'],
    ['an unknown field', { provider: 'openai', api_key: OPENAI_KEY, owner: 'bob' }, 'owner'],
    ['a label with control characters', { provider: 'openai', api_key: OPENAI_KEY, label: 'a\nb' }, 'label'],
  ])('refuses %s with 400, appending nothing', async (_, body, field) => {
    const before = await t.countEvents();
    const response = await addKey(body);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.errors)).toContain(field);
    expect(await t.countEvents()).toBe(before);
  });

  it('replaces the key of a provider: one key per provider', async () => {
    const replaced = await addKey({ provider: 'groq', api_key: 'gsk_e2eReplacementGroqKey00000000abc9' });
    expect(replaced.status).toBe(201);
    await eventually(async () => {
      const groq = (await keysOf()).filter((key) => key.provider === 'groq');
      expect(groq).toEqual([expect.objectContaining({ last4: 'abc9' })]);
    });
  });

  it('stores once per Idempotency-Key', async () => {
    const before = await t.countEvents();
    const headers = { 'Idempotency-Key': 'byok-anthropic-1' };
    const first = await addKey({ provider: 'anthropic', api_key: ANTHROPIC_KEY }, alice(), headers);
    const again = await addKey({ provider: 'anthropic', api_key: ANTHROPIC_KEY }, alice(), headers);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body.replayed).toBe(true);
    expect(await t.countEvents()).toBe(before + 1);
  });

  it('shows nobody else’s keys and lets nobody else remove them', async () => {
    const bob = t.token('bob', 'user');
    expect(await keysOf(bob)).toEqual([]);
    expect((await removeKey('openai', bob)).status).toBe(404);
    expect((await keysOf()).map((key) => key.provider)).toContain('openai');
  });

  it('refuses auditors (403) and anonymous callers (401)', async () => {
    expect((await listKeys(t.token('audrey', 'auditor'))).status).toBe(403);
    expect((await request(http).get('/api/v1/llm/byok/keys')).status).toBe(401);
  });

  it('resolves the key for the gateway, and nothing for a user without one', async () => {
    const resolver = t.app.get(ByokKeyResolver);
    expect(await resolver.keyFor('alice', 'openai')).toBe(OPENAI_KEY);
    expect(await resolver.providersWithKeys('alice')).toEqual(new Set(['openai', 'anthropic', 'groq']));
    expect(await resolver.keyFor('bob', 'openai')).toBeNull();
    expect(await resolver.providersWithKeys('bob')).toEqual(new Set());
  });

  it('rotates the KEK with `npm run keys -- rotate-kek`; keys still resolve and the output holds none', async () => {
    const run = await runCli('keys', ['rotate-kek'], {
      DATABASE_URL: t.database.url,
      DATA_DIR: t.config.DATA_DIR,
    });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const output = run.stdout;
    const status = JSON.parse(output.trimEnd().split('\n').at(-1)!);
    expect(status.ring).toHaveLength(2);
    expect(status.data_keys_per_kek).toEqual({ [status.newest]: 1 });
    for (const key of [OPENAI_KEY, ANTHROPIC_KEY, GROQ_KEY]) expect(output).not.toContain(key);
    expect(await t.app.get(ByokKeyResolver).keyFor('alice', 'openai')).toBe(OPENAI_KEY);
    // A process starting now reads the rotated ring, whose newest KEK wraps every data key.
    const restarted = new ByokKeyResolver(
      t.app.get(ProviderKeysQueries),
      new DataKeyVault(t.app.get(DataSource), new KekRing(() => loadKekKeys(t.config))),
    );
    expect(await restarted.keyFor('alice', 'openai')).toBe(OPENAI_KEY);
  });

  it('removes a key; removing it again is 404', async () => {
    expect((await removeKey('anthropic')).status).toBe(204);
    await eventually(async () =>
      expect((await keysOf()).map((key) => key.provider)).toEqual(['groq', 'openai']),
    );
    expect((await removeKey('anthropic')).status).toBe(404);
    expect((await removeKey('acme')).status).toBe(400);
    expect(await t.app.get(ByokKeyResolver).keyFor('alice', 'anthropic')).toBeNull();
  });

  it('answers the add only once the key is listed, even while the projection is held back', async () => {
    const owner = t.token('byok-ryw', 'user');
    const warmUp = t.token('byok-ryw-first', 'user');
    await addKey({ provider: 'openai', api_key: OPENAI_KEY }, warmUp);
    await eventually(async () => expect(await keysOf(warmUp)).toHaveLength(1));
    const added = await whileProjectionHeld(t.database.url, 'provider-keys', 300, () =>
      addKey({ provider: 'openai', api_key: OPENAI_KEY }, owner),
    );
    expect(added.status).toBe(201);
    expect((await keysOf(owner)).map((key) => key.provider)).toEqual(['openai']);
  });

  it('pages the keys by provider like every list', async () => {
    const page = (query: Record<string, string>) =>
      request(http).get('/api/v1/llm/byok/keys').query(query).set('Authorization', `Bearer ${alice()}`);
    const first = await page({ limit: '1' });
    expect(first.body.items.map((key: KeyView) => key.provider)).toEqual(['groq']);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await page({ limit: '1', cursor: first.body.next_cursor });
    expect(second.body).toEqual({
      items: [expect.objectContaining({ provider: 'openai' })],
      next_cursor: null,
    });
  });

  it('never lets a key appear in plain text: not in events, read models, key storage or any response', async () => {
    const database = t.app.get(DataSource);
    const tables: { table_name: string }[] = await database.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.map((table) => table.table_name)).toEqual(
      expect.arrayContaining(['events', 'provider_keys', 'subject_data_keys', 'audit_log']),
    );
    const dump: string[] = [];
    for (const { table_name } of tables) {
      const [row] = await database.query(
        `SELECT coalesce(string_agg(t::text, '\n'), '') AS text FROM "${table_name}" t`,
      );
      dump.push(row.text);
    }
    const stored = dump.join('\n');
    const everything = [stored, ...bodies].join('\n');
    expect(stored).toContain('ProviderKeyAdded');
    expect(stored).toContain('1234');
    for (const key of [OPENAI_KEY, ANTHROPIC_KEY, GROQ_KEY, 'gsk_e2eReplacementGroqKey00000000abc9']) {
      expect(everything).not.toContain(key);
      expect(everything).not.toContain(key.slice(0, -4));
    }
    // The label is shown to its owner, but stored sealed like the key.
    expect(stored).not.toContain('work account');
  });
});
