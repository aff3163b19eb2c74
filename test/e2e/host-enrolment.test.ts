import { generateKeyPairSync } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { agentPublicKeys, loadOrCreateAgentKeys } from '@ops/infra/host-trust/agent-keys';
import { exportPublicKey } from '@ops/infra/host-trust/public-keys';
import { eventually, startTestApp, type TestApp } from '../support/app';

const freshKeys = (): { signing: string; sealing: string } => ({
  signing: exportPublicKey(generateKeyPairSync('ed25519').publicKey),
  sealing: exportPublicKey(generateKeyPairSync('x25519').publicKey),
});

describe('host enrolment: agent keys at registration and their rotation', () => {
  let t: TestApp;
  let http: App;
  let admin: string;
  let probe: Client;

  const hostEvents = async (
    hostId: string,
  ): Promise<{ type: string; schema_version: number; data: Record<string, unknown> }[]> =>
    (
      await probe.query(
        'SELECT type, schema_version, data FROM events WHERE stream_name = $1 ORDER BY revision',
        [`host-${hostId}`],
      )
    ).rows;

  beforeAll(async () => {
    t = await startTestApp();
    http = t.app.getHttpServer();
    admin = t.token('ops-admin', 'admin');
    probe = new Client({ connectionString: t.database.url });
    await probe.connect();
  });
  afterAll(async () => {
    await probe?.end();
    await t?.close();
  });

  const register = (body: Record<string, unknown>, token = admin) =>
    request(http).post('/api/v1/hosts').set('Authorization', `Bearer ${token}`).send(body);
  const rotate = (hostId: string, body: Record<string, unknown>, token = admin) =>
    request(http)
      .put(`/api/v1/hosts/${hostId}/agent-keys`)
      .set('Authorization', `Bearer ${token}`)
      .send(body);

  it('enrols the in-process agent of a single node with its own keys, by itself', async () => {
    await eventually(async () => {
      const [registered] = await hostEvents('local');
      expect(registered).toMatchObject({
        type: 'HostRegistered',
        schema_version: 2,
        data: { agentKeys: agentPublicKeys(loadOrCreateAgentKeys(t.config.DATA_DIR, 'local')) },
      });
    }, 20_000);
  });

  it('records the agent keys given at registration', async () => {
    const keys = freshKeys();
    const response = await register({ host_id: 'web-1', name: 'web-1', agent_public_keys: keys });
    expect(response.status).toBe(201);
    expect(await hostEvents('web-1')).toEqual([
      {
        type: 'HostRegistered',
        schema_version: 2,
        data: { hostId: 'web-1', name: 'web-1', agentKeys: keys },
      },
    ]);
  });

  it.each([
    [
      'a sealing key as the signing key',
      () => ({ signing: freshKeys().sealing, sealing: freshKeys().sealing }),
    ],
    [
      'a signing key as the sealing key',
      () => ({ signing: freshKeys().signing, sealing: freshKeys().signing }),
    ],
    ['a PEM instead of one line', () => ({ ...freshKeys(), signing: '-----BEGIN PUBLIC KEY-----' })],
    ['a missing key', () => ({ signing: freshKeys().signing })],
    ['an unknown field', () => ({ ...freshKeys(), private: 'x' })],
  ])('refuses %s with 400, appending nothing', async (_, keys) => {
    const before = await t.countEvents();
    expect((await register({ host_id: 'web-2', name: 'web-2', agent_public_keys: keys() })).status).toBe(400);
    expect((await rotate('web-1', keys())).status).toBe(400);
    expect(await t.countEvents()).toBe(before);
  });

  it('refuses to swap keys by registering again, and rotates them through their own route', async () => {
    const keys = freshKeys();
    expect((await register({ host_id: 'web-1', name: 'web-1', agent_public_keys: keys })).status).toBe(409);
    const rotated = await rotate('web-1', keys);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({
      host_id: 'web-1',
      changed: true,
      position: rotated.headers['x-ops-position'],
    });
    // Nothing appended: the answer's position is the log's head, which covers what it read.
    const again = await rotate('web-1', keys);
    expect(again.body).toEqual({
      host_id: 'web-1',
      changed: false,
      position: again.headers['x-ops-position'],
    });
    expect((await hostEvents('web-1')).at(-1)).toEqual({
      type: 'HostAgentKeysRotated',
      schema_version: 1,
      data: { hostId: 'web-1', agentKeys: keys },
    });
  });

  it('lets only admins enrol or rotate, and only known hosts rotate', async () => {
    const user = t.token('someone', 'user');
    expect(
      (await register({ host_id: 'web-3', name: 'web-3', agent_public_keys: freshKeys() }, user)).status,
    ).toBe(403);
    expect((await rotate('web-1', freshKeys(), user)).status).toBe(403);
    expect((await rotate('nowhere', freshKeys())).status).toBe(404);
  });
});
