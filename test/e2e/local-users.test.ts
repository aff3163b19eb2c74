import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sshpk from 'sshpk';
import request from 'supertest';
import type { App } from 'supertest/types';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { waitUntilApplied } from '../support/local-users';
import { etcLine, grpckReadOnly, pwckReadOnly } from '../integration/host-agent/sandbox-fixtures';

function publicKey(kind: 'ed25519' | 'rsa2048' | 'rsa3072', comment: string): string {
  const pair =
    kind === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('rsa', { modulusLength: kind === 'rsa2048' ? 2048 : 3072 });
  const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return `${sshpk.parseKey(pem, 'pem').toString('ssh')} ${comment}`;
}

/** Admin API → events → relay → the in-process agent on a sandbox root → outcome events → read models. */
describe('local users end to end on a sandbox root', () => {
  let t: TestApp;
  let http: App;
  let admin: string;
  let root: string;

  beforeAll(async () => {
    t = await startTestApp();
    http = t.app.getHttpServer();
    admin = t.token('ops-admin', 'admin');
    root = join(t.config.DATA_DIR, 'host-root');
  });
  afterAll(() => t?.close());

  const api = () => ({
    get: (path: string) => request(http).get(path).set('Authorization', `Bearer ${admin}`),
    post: (path: string, body?: object) =>
      request(http)
        .post(path)
        .set('Authorization', `Bearer ${admin}`)
        .send(body ?? {}),
    put: (path: string, body: object) =>
      request(http).put(path).set('Authorization', `Bearer ${admin}`).send(body),
    delete: (path: string) => request(http).delete(path).set('Authorization', `Bearer ${admin}`),
  });

  const applied = (username: string, revision: string) =>
    waitUntilApplied((path) => api().get(path), username, revision);

  const ed25519 = publicKey('ed25519', 'alice@laptop');
  const second = `no-pty,from="10.0.0.0/8,192.168.0.0/16" ${publicKey('rsa3072', 'alice@ci')}`;

  it('registers this machine as the default host', async () => {
    await eventually(async () => {
      const hosts = await api().get('/api/v1/hosts');
      expect(hosts.body.items.map((host: { host_id: string }) => host.host_id)).toContain('local');
    });
  });

  it('creates a user that the agent applies to the sandbox files exactly', async () => {
    const created = await api().post('/api/v1/local-users', {
      username: 'alice',
      full_name: 'Alice Example',
      password: 'a-Long-and-unusual-passphrase-7',
      ssh_keys: [ed25519, second],
      groups: ['users'],
      sudo: true,
    });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ host: 'local', username: 'alice', changed: true, state: 'pending' });

    const user = await applied('alice', created.body.revision);
    expect(user).toMatchObject({
      shell: '/bin/bash',
      sudo: true,
      has_password: true,
      on_host: expect.anything(),
    });
    expect(await etcLine(root, 'passwd', 'alice')).toMatch(
      /^alice:x:\d+:\d+:Alice Example:\/home\/alice:\/bin\/bash$/,
    );
    const shadow = await etcLine(root, 'shadow', 'alice');
    expect(shadow).toMatch(/^alice:\$6\$[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{86}:/);
    expect(shadow).not.toContain('a-Long-and-unusual-passphrase-7');
    expect(await etcLine(root, 'group', 'sudo')).toMatch(/^sudo:x:\d+:(.*,)?alice(,.*)?$/);
    expect(await etcLine(root, 'group', 'users')).toMatch(/[:,]alice(,|$)/);

    const keysFile = join(root, 'home', 'alice', '.ssh', 'authorized_keys');
    const lines = (await readFile(keysFile, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(ed25519);
    expect(lines[1]).toContain('no-pty,from="10.0.0.0/8,192.168.0.0/16" ssh-rsa ');
    expect((await stat(keysFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(root, 'home', 'alice', '.ssh'))).mode & 0o777).toBe(0o700);
    expect(await pwckReadOnly(root)).toMatchObject({ exitCode: 0 });
    expect(await grpckReadOnly(root)).toMatchObject({ exitCode: 0 });

    const keys = await api().get('/api/v1/local-users/alice/ssh-keys');
    expect(keys.body.items.map((key: { type: string }) => key.type).sort()).toEqual([
      'ssh-ed25519',
      'ssh-rsa',
    ]);
    expect(keys.body.next_cursor).toBeNull();
    expect(keys.body.items[0]).toMatchObject({
      added_by: 'ops-admin',
      fingerprint: expect.stringMatching(/^SHA256:/),
    });
  });

  it('applies password, key, sudo, lock, expiry, shell and group changes, each visible in the files', async () => {
    const before = await etcLine(root, 'shadow', 'alice');
    const changed = await api().post('/api/v1/local-users/alice/password', {
      password: 'Another-long-passphrase-42',
    });
    expect(changed.status).toBe(202);
    await applied('alice', changed.body.revision);
    expect(await etcLine(root, 'shadow', 'alice')).not.toBe(before);

    const keys = await api().get('/api/v1/local-users/alice/ssh-keys');
    const rsa = keys.body.items.find((key: { type: string }) => key.type === 'ssh-rsa');
    const removed = await api().delete(
      `/api/v1/local-users/alice/ssh-keys/${encodeURIComponent(rsa.fingerprint)}`,
    );
    expect(removed.status).toBe(202);
    expect((await api().delete('/api/v1/local-users/alice/sudo')).status).toBe(202);
    expect((await api().post('/api/v1/local-users/alice/lock')).status).toBe(202);
    expect((await api().put('/api/v1/local-users/alice/expiry', { expires_on: '2031-12-31' })).status).toBe(
      202,
    );
    expect((await api().put('/api/v1/local-users/alice/shell', { shell: '/bin/sh' })).status).toBe(202);
    const expired = await api().post('/api/v1/local-users/alice/password/expire');
    expect(expired.status).toBe(202);
    const user = await applied('alice', expired.body.revision);
    expect(user).toMatchObject({ sudo: false, locked: true, expires_on: '2031-12-31', shell: '/bin/sh' });
    // The forced change was applied: the host holds it now, and the view shows what the host has.
    await eventually(async () => {
      const response = await api().get('/api/v1/local-users/alice');
      expect(response.body.force_password_change).toBe(true);
    });

    const authorized = await readFile(join(root, 'home', 'alice', '.ssh', 'authorized_keys'), 'utf8');
    expect(authorized).toBe(`${ed25519}\n`);
    expect(await etcLine(root, 'group', 'sudo')).not.toMatch(/[:,]alice(,|$)/);
    expect(await etcLine(root, 'passwd', 'alice')).toMatch(/:\/bin\/sh$/);
    const fields = (await etcLine(root, 'shadow', 'alice'))!.split(':');
    expect(fields[1].startsWith('!')).toBe(true);
    expect(fields[2]).toBe('0');
    expect(Number(fields[7]) * 86_400_000).toBe(Date.parse('2031-12-31T00:00:00Z'));

    const again = await api().delete('/api/v1/local-users/alice/sudo');
    expect(again.body).toMatchObject({ changed: false, state: 'unchanged' });
  });

  it('deletes the user and the home directory', async () => {
    const removed = await api().delete('/api/v1/local-users/alice?remove_home=true');
    expect(removed.status).toBe(202);
    await eventually(
      async () => expect((await api().get('/api/v1/local-users/alice')).status).toBe(404),
      20_000,
    );
    expect(await etcLine(root, 'passwd', 'alice')).toBeUndefined();
    await expect(stat(join(root, 'home', 'alice'))).rejects.toThrow();
    expect(await pwckReadOnly(root)).toMatchObject({ exitCode: 0 });
  });

  it('keeps the whole story in the audit log, with outcomes', async () => {
    const log = await eventually(async () => {
      const response = await api().get('/api/v1/audit-log?host=local&user=alice&limit=100');
      expect(
        response.body.items.some((item: { action: string }) => item.action === 'local_user.deleted'),
      ).toBe(true);
      return response;
    });
    const actions = log.body.items.map((item: { action: string }) => item.action);
    expect(actions).toEqual(expect.arrayContaining(['local_user.created', 'host_change.applied']));
    expect(
      log.body.items.find((item: { outcome: string | null }) => item.outcome === 'applied'),
    ).toBeDefined();
  });

  it.each([
    ['a;rm -rf /', 400],
    ['../etc', 400],
    ['-o', 400],
    ['аlice', 400],
    ['a'.repeat(33), 400],
    ['Alice', 400],
    ['root', 403],
    ['daemon', 403],
  ])('refuses the username %j with %i, appending and running nothing', async (username, status) => {
    const [events, passwd] = [await t.countEvents(), await readFile(join(root, 'etc', 'passwd'), 'utf8')];
    const response = await api().post('/api/v1/local-users', { username });
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(await t.countEvents()).toBe(events);
    expect(await readFile(join(root, 'etc', 'passwd'), 'utf8')).toBe(passwd);
  });

  it.each([
    ['a weak password', { username: 'bob', password: 'password123' }],
    ['a short password', { username: 'bob', password: 'Xy7!' }],
    [
      'a password and a hash',
      { username: 'bob', password: 'a-Long-and-unusual-passphrase-7', password_hash: '$6$x$y' },
    ],
    ['an MD5 hash', { username: 'bob', password_hash: '$1$abc$0123456789012345678901' }],
    ['an RSA key of 2048 bits', { username: 'bob', ssh_keys: [publicKey('rsa2048', 'old')] }],
    ['a garbage key', { username: 'bob', ssh_keys: ['ssh-ed25519 not-base64!'] }],
    ['the same key twice', { username: 'bob', ssh_keys: [ed25519, ed25519] }],
    ['a relative shell', { username: 'bob', shell: 'bin/bash' }],
    ['an unknown field', { username: 'bob', uid: 0 }],
  ])('refuses %s with 400, appending nothing', async (_, body) => {
    const before = await t.countEvents();
    const response = await api().post('/api/v1/local-users', body);
    expect(response.status).toBe(400);
    expect(await t.countEvents()).toBe(before);
  });

  it('refuses an oversized body with 413', async () => {
    const response = await api().post('/api/v1/local-users', {
      username: 'bob',
      full_name: 'x'.repeat(2_000_000),
    });
    expect(response.status).toBe(413);
  });

  it('refuses non-admins with 403 and anonymous callers with 401', async () => {
    const user = t.token('someone', 'user');
    const asUser = await request(http).get('/api/v1/local-users').set('Authorization', `Bearer ${user}`);
    expect(asUser.status).toBe(403);
    const create = await request(http)
      .post('/api/v1/local-users')
      .set('Authorization', `Bearer ${user}`)
      .send({ username: 'mallory' });
    expect(create.status).toBe(403);
    expect((await request(http).get('/api/v1/hosts')).status).toBe(401);
  });

  it.each([
    [
      'POST',
      'docker',
      async () => undefined,
      () => api().post('/api/v1/local-users', { username: 'gwen', groups: ['users', 'docker'] }),
    ],
    [
      'PUT',
      'disk',
      async () => expect((await api().post('/api/v1/local-users', { username: 'gina' })).status).toBe(202),
      () => api().put('/api/v1/local-users/gina/groups', { groups: ['disk'] }),
    ],
  ])(
    'refuses a root-equivalent group on %s with 400 problem+json naming %s, appending nothing',
    async (_method, group, prepare, send) => {
      await prepare();
      const before = await t.countEvents();
      const response = await send();
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(JSON.stringify(response.body)).toContain(`${group} is root-equivalent`);
      expect(await t.countEvents()).toBe(before);
    },
  );

  it.each(['root', 'daemon'])(
    'answers 403 problem+json to DELETE of the protected %s, appending nothing',
    async (username) => {
      // Its own line only: an earlier test's account may still be landing in the same file.
      const entryOf = async () =>
        (await readFile(join(root, 'etc', 'passwd'), 'utf8'))
          .split('\n')
          .find((line) => line.startsWith(`${username}:`));
      const [events, entry] = [await t.countEvents(), await entryOf()];
      const response = await api().delete(`/api/v1/local-users/${username}`);
      expect(response.status).toBe(403);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(await t.countEvents()).toBe(events);
      expect(entry).toBeDefined();
      expect(await entryOf()).toBe(entry);
    },
  );

  describe('an account made by hand on the host', () => {
    const useradd = promisify(execFile);

    it('is not taken over by a create without adopt: the host reports why', async () => {
      await useradd('/usr/sbin/useradd', ['--prefix', root, '-m', '-c', 'by hand', 'mallory']);
      const before = await etcLine(root, 'passwd', 'mallory');
      const created = await api().post('/api/v1/local-users', { username: 'mallory', sudo: true });
      expect(created.status).toBe(202);
      const user = await eventually(async () => {
        const response = await api().get('/api/v1/local-users/mallory');
        expect(response.body.state).toBe('failed');
        return response.body;
      }, 20_000);
      expect(user.last_outcome.message).toContain('was not created by the platform');
      expect(await etcLine(root, 'passwd', 'mallory')).toBe(before);
      expect(await etcLine(root, 'group', 'sudo')).not.toMatch(/[:,]mallory(,|$)/);
    });

    it('is managed once an admin adopts it', async () => {
      await useradd('/usr/sbin/useradd', ['--prefix', root, '-m', '-c', 'by hand', 'walter']);
      const created = await api().post('/api/v1/local-users', {
        username: 'walter',
        full_name: 'Walter Adopted',
        adopt: true,
      });
      expect(created.status).toBe(202);
      await applied('walter', created.body.revision);
      expect(await etcLine(root, 'passwd', 'walter')).toMatch(/^walter:x:\d+:\d+:Walter Adopted:/);
    });
  });

  it('answers 404 for an unknown host', async () => {
    const response = await api().post('/api/v1/local-users?host=nowhere', { username: 'bob' });
    expect(response.status).toBe(404);
  });
});
