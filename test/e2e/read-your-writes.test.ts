import { generateKeyPairSync } from 'node:crypto';
import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@ops/infra/config/app-config';
import { configureHttpApp } from '@ops/infra/http';
import { READ_MODEL_PROJECTIONS } from '@ops/infra/read-models';
import sshpk from 'sshpk';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { ApiAppModule } from '../../apps/api/src/app.module';
import { READ_MODELS } from '../../apps/api/src/common/read-your-writes/read-models.decorator';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { startFakeOpenAiProvider, type FakeProvider } from '../support/fake-providers';
import { whileProjectionHeld, whileTableLocked } from '../support/held-projection';

const ROUNDS = 100;

/** Long enough that a command answering before its read model is caught every time. */
const HOLD_MS = 300;
const OPENAI_KEY = 'sk-proj-e2eValidOpenAiKey0000000000001234';
const POSITION = /^\d{20}:\d{20}$/;
/** The local users the pairs change, one per pair so that the pairs can run at once. */
const LOCAL_USERS = ['rywsudo', 'rywlock', 'rywpass', 'rywattrs', 'rywkeys'] as const;
const [SUDO_USER, LOCK_USER, PASSWORD_USER, ATTRIBUTES_USER, KEYS_USER] = LOCAL_USERS;

function sshPublicKey(comment: string): { line: string; fingerprint: string } {
  const pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const key = sshpk.parseKey(pem, 'pem');
  return { line: `${key.toString('ssh')} ${comment}`, fingerprint: key.fingerprint('sha256').toString() };
}

/**
 * One command and the read its caller makes next. `round` runs both back to back and throws when the
 * read misses the write; `projection` is the read model held back in the extra, deterministic round.
 */
interface Pair {
  name: string;
  projection: string;
  round(index: number): Promise<void>;
}

describe('read your own writes: every command and the read that follows it', () => {
  let t: TestApp;
  let http: App;
  let openai: FakeProvider;
  /** A second API replica on the same databases that answers commands without waiting. */
  let replica: INestApplication;
  let replicaHttp: App;
  const admin = () => t.token('ryw-admin', 'admin');
  const user = (sub: string) => t.token(sub, 'user');
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    openai = await startFakeOpenAiProvider({ name: 'openai', apiKey: OPENAI_KEY });
    t = await startTestApp({ OPENAI_BASE_URL: openai.baseUrl });
    http = t.app.getHttpServer();
    const replicaConfig = loadConfig({
      DATABASE_URL: t.database.url,
      DATA_DIR: t.config.DATA_DIR,
      JWT_SECRET: t.config.JWT_SECRET!,
      LOG_LEVEL: 'silent',
      OPENAI_BASE_URL: openai.baseUrl,
      READ_YOUR_WRITES_TIMEOUT_MS: '0',
    });
    replica = await NestFactory.create(ApiAppModule.forRoot(replicaConfig), { logger: false });
    configureHttpApp(replica, replicaConfig);
    await replica.init();
    replicaHttp = replica.getHttpServer();
    for (const username of LOCAL_USERS) {
      const created = await request(http).post('/api/v1/local-users').set(as(admin())).send({ username });
      expect(created.status).toBe(202);
    }
  });
  afterAll(async () => {
    await replica?.close();
    await t?.close();
    await openai?.close();
  });

  /** A command's answer: its position in the header and the JSON body, and fresh read models. */
  function expectCommitted(response: request.Response, status: number): string {
    if (response.status !== status) throw new Error(`${response.status} ${JSON.stringify(response.body)}`);
    const position = response.headers['x-ops-position'];
    expect(position).toMatch(POSITION);
    if (response.body && Object.keys(response.body).length > 0) expect(response.body.position).toBe(position);
    expect(response.headers['x-ops-read-models']).toBe('fresh');
    return position;
  }

  const issueKey = (owner: string, name: string, server = http) =>
    request(server)
      .post('/api/v1/llm/api-keys')
      .set(as(user(owner)))
      .send({ name });
  const useKey = (key: string, server = http) => request(server).get('/v1/models').set(as(key));

  /** A change to a local user, then its details: they show the change's revision, and what `check` asks. */
  async function changeThenRead(
    username: string,
    change: request.Test,
    check: (details: Record<string, unknown>) => void = () => undefined,
  ): Promise<void> {
    const changed = await change.set(as(admin()));
    expectCommitted(changed, 202);
    expect(changed.body.changed).toBe(true);
    const read = await request(http).get(`/api/v1/local-users/${username}`).set(as(admin()));
    expect(read.status).toBe(200);
    expect(read.body.revision).toBe(changed.body.revision);
    check(read.body);
  }
  const localUser = (username: string, path = '') => `/api/v1/local-users/${username}${path}`;
  /** The key each odd round of the SSH key pair removes: the one the round before added. */
  let lastAddedKey: { line: string; fingerprint: string } | undefined;

  /** How often a pair's round ran: pairs that alternate go by it, so the held round alternates too. */
  function counter(): () => number {
    let count = 0;
    return () => count++;
  }
  const sudoTurns = counter();
  const lockTurns = counter();
  const passwordTurns = counter();
  const attributeTurns = counter();

  let hostsRegistered = 0;
  const pairs: Pair[] = [
    {
      name: 'issue an API key, then use it on /v1/models and list it',
      projection: 'api-keys',
      async round(index) {
        // A person holds at most 20 active keys.
        const owner = `ryw-keys-${index}`;
        const issued = await issueKey(owner, 'fresh').set('Idempotency-Key', `ryw-key-${index}`);
        expectCommitted(issued, 201);
        expect((await useKey(issued.body.key)).status).toBe(200);
        const listed = await request(http)
          .get('/api/v1/llm/api-keys')
          .set(as(user(owner)));
        expect(listed.body.items[0].id).toBe(issued.body.id);
      },
    },
    {
      name: 'revoke an API key (one, or all), then use it on /v1/models and list it',
      projection: 'api-keys',
      async round(index) {
        const issued = await issueKey('ryw-revoke', `revoked ${index}`);
        const revoke =
          index % 2 === 0
            ? request(http).delete(`/api/v1/llm/api-keys/${issued.body.id}`)
            : request(http).post('/api/v1/llm/api-keys/revoke-all');
        expectCommitted(await revoke.set(as(user('ryw-revoke'))), index % 2 === 0 ? 204 : 200);
        expect((await useKey(issued.body.key)).status).toBe(401);
        const listed = await request(http)
          .get('/api/v1/llm/api-keys')
          .set(as(user('ryw-revoke')));
        expect(listed.body.items[0].revoked_at).not.toBeNull();
      },
    },
    {
      name: 'add, then remove, a BYOK key, listing after each',
      projection: 'provider-keys',
      async round() {
        const token = user('ryw-byok');
        expectCommitted(
          await request(http)
            .post('/api/v1/llm/byok/keys')
            .set(as(token))
            .send({ provider: 'openai', api_key: OPENAI_KEY }),
          201,
        );
        const listed = await request(http).get('/api/v1/llm/byok/keys').set(as(token));
        expect(listed.body.items.map((key: { provider: string }) => key.provider)).toEqual(['openai']);
        expectCommitted(await request(http).delete('/api/v1/llm/byok/keys/openai').set(as(token)), 204);
        expect((await request(http).get('/api/v1/llm/byok/keys').set(as(token))).body.items).toEqual([]);
      },
    },
    {
      name: 'grant or revoke credits, then read the balance and the ledger',
      projection: 'credit-ledger',
      async round(index) {
        // Every third round takes back part of what the two before granted.
        const granted = await request(http)
          .post(`/api/v1/llm/credits/${index % 3 === 2 ? 'revoke' : 'grant'}`)
          .set(as(admin()))
          .send({ user_id: 'ryw-credits', amount_micros: '1000', reason: `round ${index}` });
        expectCommitted(granted, 201);
        const balance = await request(http)
          .get('/api/v1/llm/credits')
          .query({ user_id: 'ryw-credits' })
          .set(as(admin()));
        expect(balance.body.balance_micros).toBe(granted.body.balance_micros);
        const ledger = await request(http)
          .get('/api/v1/llm/credits/history')
          .query({ user_id: 'ryw-credits' })
          .set(as(admin()));
        expect(ledger.body.items[0].id).toBe(granted.body.event_id);
      },
    },
    {
      name: 'register a host, then list hosts',
      projection: 'hosts',
      async round() {
        // Each new id sorts first, so the first page shows it.
        const hostId = `a-${999 - hostsRegistered++}`;
        expectCommitted(
          await request(http).post('/api/v1/hosts').set(as(admin())).send({ host_id: hostId, name: hostId }),
          201,
        );
        const listed = await request(http).get('/api/v1/hosts').query({ limit: 1 }).set(as(admin()));
        expect(listed.body.items[0].host_id).toBe(hostId);
      },
    },
    {
      name: 'deactivate, then reactivate, a person, using their token after each',
      projection: 'api-keys',
      async round() {
        const own = () =>
          request(http)
            .get('/api/v1/llm/api-keys')
            .set(as(user('ryw-person')));
        expectCommitted(
          await request(http).post('/api/v1/users/ryw-person/deactivate').set(as(admin())),
          200,
        );
        expect((await own()).status).toBe(401);
        expectCommitted(
          await request(http).post('/api/v1/users/ryw-person/reactivate').set(as(admin())),
          200,
        );
        expect((await own()).status).toBe(200);
      },
    },
    {
      name: 'set a plan, then read the account',
      projection: 'credit-ledger',
      async round(index) {
        const tier = index % 2 === 0 ? 'starter' : 'professional';
        expectCommitted(
          await request(http).put('/api/v1/llm/credits/plan').set(as(admin())).send({
            user_id: 'ryw-plan',
            tier,
            monthly_cap_micros: null,
            default_power_level: 'eco',
            privacy_mode: false,
          }),
          200,
        );
        const account = await request(http)
          .get('/api/v1/llm/credits/account')
          .query({ user_id: 'ryw-plan' })
          .set(as(admin()));
        expect(account.body.tier).toBe(tier);
      },
    },
    {
      name: 'erase a person, then use their API key and list their keys',
      projection: 'api-keys',
      async round(index) {
        const subject = `ryw-erased-${index}`;
        const issued = await issueKey(subject, 'theirs');
        expect(issued.status).toBe(201);
        expectCommitted(
          await request(http)
            .post(`/api/v1/privacy/subjects/${subject}/erase`)
            .set(as(admin()))
            .send({ confirm: subject }),
          200,
        );
        expect((await useKey(issued.body.key)).status).toBe(401);
      },
    },
    // Last: each change sets the host agent to work, which the projector waits for between batches.
    {
      name: 'create a local user, then GET it',
      projection: 'local-users',
      async round(index) {
        const username = `ryw${index}`;
        const created = await request(http)
          .post('/api/v1/local-users')
          .set(as(admin()))
          .send({ username, full_name: `round ${index}` });
        expectCommitted(created, 202);
        const read = await request(http).get(`/api/v1/local-users/${username}`).set(as(admin()));
        expect(read.status).toBe(200);
        expect(read.body.full_name).toBe(`round ${index}`);
      },
    },
    {
      name: 'grant or take back sudo, then GET the local user',
      projection: 'local-users',
      async round() {
        const path = localUser(SUDO_USER, '/sudo');
        const granted = sudoTurns() % 2 === 0;
        await changeThenRead(
          SUDO_USER,
          granted ? request(http).post(path) : request(http).delete(path),
          (details) => expect(details.sudo).toBe(granted),
        );
      },
    },
    {
      name: 'lock or unlock a local user, then GET it',
      projection: 'local-users',
      async round() {
        const locked = lockTurns() % 2 === 0;
        await changeThenRead(
          LOCK_USER,
          request(http).post(localUser(LOCK_USER, locked ? '/lock' : '/unlock')),
          (details) => expect(details.locked).toBe(locked),
        );
      },
    },
    {
      name: 'set a password or ask for its change at next login, then GET the local user',
      projection: 'local-users',
      async round(index) {
        const change =
          passwordTurns() % 2 === 0
            ? request(http)
                .post(localUser(PASSWORD_USER, '/password'))
                .send({ password: `Round ${index} correct horse battery` })
            : request(http).post(localUser(PASSWORD_USER, '/password/expire'));
        await changeThenRead(PASSWORD_USER, change, (details) => expect(details.has_password).toBe(true));
      },
    },
    {
      name: 'set the expiry, shell or groups, then GET the local user',
      projection: 'local-users',
      async round() {
        const count = attributeTurns();
        const turn = Math.floor(count / 3) % 2;
        if (count % 3 === 0) {
          const expiresOn = new Date(Date.UTC(2040, 0, 1 + count)).toISOString().slice(0, 10);
          await changeThenRead(
            ATTRIBUTES_USER,
            request(http).put(localUser(ATTRIBUTES_USER, '/expiry')).send({ expires_on: expiresOn }),
            (details) => expect(details.expires_on).toBe(expiresOn),
          );
        } else if (count % 3 === 1) {
          const shell = turn === 0 ? '/bin/sh' : '/bin/bash';
          await changeThenRead(
            ATTRIBUTES_USER,
            request(http).put(localUser(ATTRIBUTES_USER, '/shell')).send({ shell }),
            (details) => expect(details.shell).toBe(shell),
          );
        } else {
          const groups = turn === 0 ? ['users'] : [];
          await changeThenRead(
            ATTRIBUTES_USER,
            request(http).put(localUser(ATTRIBUTES_USER, '/groups')).send({ groups }),
            (details) => expect([...(details.groups as string[])].sort()).toEqual(groups),
          );
        }
      },
    },
    {
      name: "add or remove an SSH key, then list the local user's keys",
      projection: 'local-users',
      async round(index) {
        const removing = lastAddedKey !== undefined;
        const key = lastAddedKey ?? sshPublicKey(`round-${index}`);
        lastAddedKey = removing ? undefined : key;
        await changeThenRead(
          KEYS_USER,
          removing
            ? request(http).delete(localUser(KEYS_USER, `/ssh-keys/${encodeURIComponent(key.fingerprint)}`))
            : request(http).post(localUser(KEYS_USER, '/ssh-keys')).send({ key: key.line }),
        );
        const listed = await request(http).get(localUser(KEYS_USER, '/ssh-keys')).set(as(admin()));
        const fingerprints = (listed.body.items as { fingerprint: string }[]).map((row) => row.fingerprint);
        expect(fingerprints.includes(key.fingerprint)).toBe(!removing);
      },
    },
    {
      name: 'create, then delete, a local user, then GET it',
      projection: 'local-users',
      async round(index) {
        const username = `rywgone${index}`;
        expectCommitted(
          await request(http).post('/api/v1/local-users').set(as(admin())).send({ username }),
          202,
        );
        expectCommitted(await request(http).delete(localUser(username)).set(as(admin())), 202);
        const read = await request(http).get(localUser(username)).set(as(admin()));
        // Once the host confirmed the deletion the row is gone; before, it says it is being deleted.
        if (read.status !== 404) expect(read.body.deleting).toBe(true);
      },
    },
  ];

  it.each(pairs.map((pair) => [pair.name, pair] as const))(
    '%s: with its read model held back, the command waits for it',
    async (_, pair) => {
      // Held back, a command that answered before its read model applied it would miss every time.
      await whileProjectionHeld(t.database.url, pair.projection, HOLD_MS, () => pair.round(ROUNDS));
    },
  );

  it(`every pair ${ROUNDS} times back to back, all pairs at once, without a miss`, async () => {
    // Each pair runs its rounds in order; the pairs run side by side, as a console's users would.
    const misses = await Promise.all(
      pairs.map(async (pair) => {
        const missed: string[] = [];
        for (let index = 0; index < ROUNDS; index++) {
          await pair
            .round(index)
            .catch((error: Error) => missed.push(`${pair.name}, round ${index}: ${error.message}`));
        }
        return missed;
      }),
    );
    expect(misses.flat()).toEqual([]);
  }, 600_000);

  it('a read given x-ops-min-position waits for it, whichever replica committed it', async () => {
    // The replica answers without waiting, while the projection cannot apply the grant yet.
    const granted = await whileProjectionHeld(t.database.url, 'credit-ledger', HOLD_MS, async () => {
      const answer = await request(replicaHttp)
        .post('/api/v1/llm/credits/grant')
        .set(as(admin()))
        .send({ user_id: 'ryw-other', amount_micros: '5', reason: 'elsewhere' });
      const read = await request(http)
        .get('/api/v1/llm/credits')
        .query({ user_id: 'ryw-other' })
        .set(as(admin()))
        .set('x-ops-min-position', answer.headers['x-ops-position']);
      return { answer, read };
    });
    expect(granted.answer.status).toBe(201);
    expect(granted.answer.headers['x-ops-read-models']).toBe('stale');
    expect(granted.read.status).toBe(200);
    expect(granted.read.headers['x-ops-read-models']).toBe('fresh');
    expect(granted.read.body.balance_micros).toBe('5');
  });

  it('a position past the last event a read model matched is fresh at once, on a route naming none too', async () => {
    // The api-keys projection matches no host event: its checkpoint stays before this position.
    const registered = await request(http)
      .post('/api/v1/hosts')
      .set(as(admin()))
      .send({ host_id: 'ryw-late', name: 'x' });
    const position = registered.headers['x-ops-position'];
    const started = Date.now();
    const keys = await request(http)
      .get('/api/v1/llm/api-keys')
      .set(as(user('ryw-late')))
      .set('x-ops-min-position', position);
    const models = await request(http)
      .get('/v1/models')
      .set(as(user('ryw-late')))
      .set('x-ops-min-position', position);
    expect([keys.status, models.status]).toEqual([200, 200]);
    expect([keys.headers['x-ops-read-models'], models.headers['x-ops-read-models']]).toEqual([
      'fresh',
      'fresh',
    ]);
    expect(Date.now() - started).toBeLessThan(t.config.READ_YOUR_WRITES_TIMEOUT_MS);
  });

  it('records how far the log was read for every read model, and only for them', async () => {
    const rows: { name: string }[] = await t.app
      .get(DataSource)
      .query(`SELECT name FROM projection_checkpoints WHERE read_through <> '' ORDER BY name`);
    expect(rows.map((row) => row.name)).toEqual([...READ_MODEL_PROJECTIONS].sort());
  });

  it('refuses a garbled or foreign x-ops-min-position with a problem naming the header', async () => {
    const read = (value: string) =>
      request(http)
        .get('/api/v1/llm/api-keys')
        .set(as(user('ryw-bad')))
        .set('x-ops-min-position', value);
    for (const garbled of ['', 'abc', 'eyJwb3NpdGlvbiI6MX0', '12:34', `${'9'.repeat(20)}:1 `]) {
      const refused = await read(garbled);
      expect(refused.status).toBe(400);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body.errors).toEqual([{ field: 'x-ops-min-position', message: expect.any(String) }]);
    }
    // Well-formed but beyond this log's head: a cursor from another deployment.
    const foreign = await read(`${'9'.repeat(20)}:${'9'.repeat(20)}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors[0].field).toBe('x-ops-min-position');
  });

  it('a key issued on a replica that answered before projecting it authenticates at once on another', async () => {
    const issued = await whileTableLocked(t.database.url, 'api_keys', HOLD_MS, async () => {
      const answer = await issueKey('ryw-replica', 'elsewhere', replicaHttp);
      expect(answer.headers['x-ops-read-models']).toBe('stale');
      // Deny by default: the key is found only because the lookup waited for the projection.
      const used = await useKey(answer.body.key);
      return { answer, used };
    });
    expect(issued.answer.status).toBe(201);
    expect(issued.used.status).toBe(200);
    const key: string = issued.answer.body.key;
    const another = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    expect((await useKey(another, replicaHttp)).status).toBe(401);
  });

  it('a replica that keeps access answers refuses a deactivated person and their key as soon as it is projected', async () => {
    // Attack: a replica serving from memory keeps letting a deactivated person (or their key) in.
    const person = 'ryw-kept';
    const issued = await issueKey(person, 'kept');
    expect(issued.status).toBe(201);
    const key: string = issued.body.key;
    const token = user(person);
    const ownKeys = () => request(replicaHttp).get('/api/v1/llm/api-keys').set(as(token));
    // Each answer is asked twice, so the replica has kept it (the second is served from memory).
    for (let round = 0; round < 2; round++) {
      expect((await ownKeys()).status).toBe(200);
      expect((await useKey(key, replicaHttp)).status).toBe(200);
    }
    expectCommitted(await request(http).post(`/api/v1/users/${person}/deactivate`).set(as(admin())), 200);
    // The replica runs no projector: only PostgreSQL's notification at the commit tells it.
    await eventually(async () => {
      expect((await ownKeys()).status).toBe(401);
      expect((await useKey(key, replicaHttp)).status).toBe(401);
    }, 1_000);
    expectCommitted(await request(http).post(`/api/v1/users/${person}/reactivate`).set(as(admin())), 200);
    await eventually(async () => expect((await ownKeys()).status).toBe(200), 1_000);
  });

  it('every command route names the read models its answer waits for (none, said explicitly, is allowed)', () => {
    // Undeclared, a command would answer before its caller's next read could find its write.
    const undeclared: string[] = [];
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const { metatype } of module.controllers.values()) {
        const controller = metatype as new (...args: never[]) => object;
        for (const name of Object.getOwnPropertyNames(controller.prototype)) {
          const handler: unknown = controller.prototype[name as keyof object];
          if (name === 'constructor' || typeof handler !== 'function') continue;
          const method: RequestMethod | undefined = Reflect.getMetadata(METHOD_METADATA, handler);
          if (method === undefined || method === RequestMethod.GET || method === RequestMethod.HEAD) continue;
          const declared =
            Reflect.getMetadata(READ_MODELS, handler) ?? Reflect.getMetadata(READ_MODELS, controller);
          if (declared === undefined) {
            undeclared.push(`${controller.name}.${name} ${Reflect.getMetadata(PATH_METADATA, handler)}`);
          }
        }
      }
    }
    expect(undeclared).toEqual([]);
  });

  it('documents the headers in the OpenAPI document', async () => {
    const document = (await request(http).get('/docs-json')).body;
    const issue = document.paths['/api/v1/llm/api-keys'].post;
    expect(Object.keys(issue.responses['2XX'].headers)).toEqual(['x-ops-position', 'x-ops-read-models']);
    const list = document.paths['/api/v1/llm/api-keys'].get;
    expect(list.parameters.map((parameter: { name: string }) => parameter.name)).toContain(
      'x-ops-min-position',
    );
  });
});
