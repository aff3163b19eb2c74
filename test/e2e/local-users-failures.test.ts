import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import type { App } from 'supertest/types';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { waitUntilApplied } from '../support/local-users';
import { etcLine } from '../integration/host-agent/sandbox-fixtures';

const run = promisify(execFile);

interface FieldView {
  field: string;
  status: string;
  tool?: string;
  exit_code?: number | null;
  message?: string;
}

/**
 * A change the host cannot apply must not wedge the account: whatever else fails, a sudo revoke and
 * a lock reach the host, the reason is on the account, in its history and in the audit log, and what
 * the API can know about the host it checks before it answers.
 */
describe('local users: a change the host cannot apply, end to end on a sandbox root', () => {
  let t: TestApp;
  let http: App;
  let admin: string;
  let root: string;

  beforeAll(async () => {
    // No periodic inventory during the test: the host's groups change only when a test says so.
    t = await startTestApp({ HOST_AGENT_INVENTORY_INTERVAL_MS: '3600000' });
    http = t.app.getHttpServer();
    admin = t.token('ops-admin', 'admin');
    root = join(t.config.DATA_DIR, 'host-root');
  });
  afterAll(() => t?.close());

  const api = {
    get: (path: string) => request(http).get(path).set('Authorization', `Bearer ${admin}`),
    post: (path: string, body: object = {}) =>
      request(http).post(path).set('Authorization', `Bearer ${admin}`).send(body),
    put: (path: string, body: object) =>
      request(http).put(path).set('Authorization', `Bearer ${admin}`).send(body),
    delete: (path: string) => request(http).delete(path).set('Authorization', `Bearer ${admin}`),
  };
  const applied = (username: string, revision: string) =>
    waitUntilApplied((path) => api.get(path), username, revision);
  /** The account once the host reported on `revision` or later, whatever the outcome. */
  const reported = (username: string, revision: string) =>
    eventually(async () => {
      const response = await api.get(`/api/v1/local-users/${username}`);
      expect(response.body.state).not.toBe('pending');
      expect(BigInt(response.body.last_outcome.revision)).toBeGreaterThanOrEqual(BigInt(revision));
      return response.body;
    }, 20_000);
  const hostGroups = async (): Promise<string[] | null> => (await api.get('/api/v1/hosts/local')).body.groups;
  const member = (username: string) => new RegExp(`[:,]${username}(,|$)`);

  it("knows the host's groups and login shells from its agent's inventory", async () => {
    // Until the first inventory is projected the host may be unknown (404) or have no groups yet (null).
    const host = await eventually(async () => {
      const response = await api.get('/api/v1/hosts/local');
      expect(response.status).toBe(200);
      expect(Array.isArray(response.body.groups)).toBe(true);
      return response.body;
    });
    expect(host.groups).toEqual(expect.arrayContaining(['sudo', 'users']));
    expect(host.shells).toEqual(expect.arrayContaining(['/bin/sh', '/bin/bash']));
  });

  it.each([
    ['a group the host lacks', { username: 'gus', groups: ['users', 'developers'] }, 'groups', 'developers'],
    [
      'a shell the host does not list',
      { username: 'gus', shell: '/nonexistent/sh' },
      'shell',
      '/nonexistent/sh',
    ],
  ])('refuses a create with %s before answering, naming the field', async (_why, body, field, value) => {
    const before = await t.countEvents();
    const response = await api.post('/api/v1/local-users', body);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body.errors).toEqual([{ field, message: expect.stringContaining(value) }]);
    expect(await t.countEvents()).toBe(before);
  });

  it('creates carol with sudo while the host has a developers group', async () => {
    await run('/usr/sbin/groupadd', ['--prefix', root, 'developers']);
    const created = await api.post('/api/v1/local-users', {
      username: 'carol',
      password: 'a-Long-and-unusual-passphrase-7',
      groups: ['users'],
      sudo: true,
    });
    expect(created.status).toBe(202);
    await applied('carol', created.body.revision);
    expect(await etcLine(root, 'group', 'sudo')).toMatch(member('carol'));
    // The agent reports the host after each change: the group it has now is known.
    await eventually(async () => expect(await hostGroups()).toContain('developers'));
  });

  it('revokes sudo and locks carol on the host although her group change keeps failing there', async () => {
    // Removed by hand after the inventory was taken: the API accepts the change, the host cannot apply it.
    await run('/usr/sbin/groupdel', ['--prefix', root, 'developers']);
    const groups = await api.put('/api/v1/local-users/carol/groups', { groups: ['users', 'developers'] });
    expect(groups.status).toBe(202);
    const failed = await reported('carol', groups.body.revision);
    expect(failed.state).toBe('failed');

    const revoked = await api.delete('/api/v1/local-users/carol/sudo');
    expect(revoked.status).toBe(202);
    const locked = await api.post('/api/v1/local-users/carol/lock');
    expect(locked.status).toBe(202);
    const user = await reported('carol', locked.body.revision);

    expect(await etcLine(root, 'group', 'sudo')).not.toMatch(member('carol'));
    expect((await etcLine(root, 'shadow', 'carol'))?.split(':')[1]).toMatch(/^!\$6\$/);
    expect(await etcLine(root, 'group', 'users')).toMatch(member('carol'));

    expect(user).toMatchObject({ sudo: false, locked: true, state: 'failed' });
    // The last command's outcome: its lock applied, the groups still failed (sudo went with the one before).
    const fields: FieldView[] = user.last_outcome.fields;
    expect(fields).toEqual(
      expect.arrayContaining([
        { field: 'locked', status: 'applied' },
        {
          field: 'groups',
          status: 'failed',
          tool: 'usermod',
          exit_code: 6,
          message: "usermod: group 'developers' does not exist",
        },
      ]),
    );
    expect(user.last_outcome.failure).toBe(
      "groups: usermod: group 'developers' does not exist (applied: locked)",
    );
  });

  it('keeps the reason in the account history and the audit log rows', async () => {
    const user = (await api.get('/api/v1/local-users/carol')).body;
    const history = await eventually(async () => {
      const response = await api.get(`${user.history}&limit=100`);
      expect(response.status).toBe(200);
      const rows = response.body.items.filter((item: { outcome: string }) => item.outcome === 'failed');
      expect(rows.length).toBeGreaterThanOrEqual(3);
      return rows;
    });
    for (const row of history) {
      expect(row).toMatchObject({ action: 'host_change.failed', user: 'carol' });
      expect(row.detail).toContain("groups: usermod: group 'developers' does not exist");
    }
    // The revoke's own outcome: sudo left while the groups failed.
    expect(history.map((row: { detail: string }) => row.detail)).toContain(
      "groups: usermod: group 'developers' does not exist (applied: sudo)",
    );
    const created = await api.get('/api/v1/audit-log?host=local&user=carol&action=local_user.created');
    expect(created.body.items[0].detail).toBeNull();
  });

  it('refuses the same group change before answering now that the host reported it gone', async () => {
    await eventually(async () => expect(await hostGroups()).not.toContain('developers'));
    const before = await t.countEvents();
    const response = await api.put('/api/v1/local-users/carol/groups', { groups: ['developers'] });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('the host has no group developers');
    expect(await t.countEvents()).toBe(before);
  });

  it('applies again once the desired groups are ones the host has', async () => {
    const fixed = await api.put('/api/v1/local-users/carol/groups', { groups: ['users'] });
    expect(fixed.status).toBe(202);
    expect(await applied('carol', fixed.body.revision)).toMatchObject({ sudo: false, locked: true });
    expect(await etcLine(root, 'group', 'sudo')).not.toMatch(member('carol'));
  });

  it('refuses a shell change to a shell the host does not list', async () => {
    const response = await api.put('/api/v1/local-users/carol/shell', { shell: '/nonexistent/sh' });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('/etc/shells');
    expect((await etcLine(root, 'passwd', 'carol'))?.split(':')[6]).toBe('/bin/bash');
  });

  it('shows a forced password change while the host holds it, until the host says otherwise', async () => {
    const created = await api.post('/api/v1/local-users', {
      username: 'dora',
      password: 'a-Long-and-unusual-passphrase-7',
      force_password_change: true,
    });
    expect(created.status).toBe(202);
    await applied('dora', created.body.revision);
    expect((await etcLine(root, 'shadow', 'dora'))?.split(':')[2]).toBe('0');
    // The desired state no longer asks for it (the host holds it); the view still shows it.
    await eventually(async () => {
      const response = await api.get('/api/v1/local-users/dora');
      expect(response.body.force_password_change).toBe(true);
    });

    // Dora chose a new password on the host; the next report after a change says so.
    await run('/usr/bin/chage', ['--root', root, '-d', '20000', 'dora']);
    const changed = await api.put('/api/v1/local-users/dora/shell', { shell: '/bin/sh' });
    expect(changed.status).toBe(202);
    await applied('dora', changed.body.revision);
    await eventually(async () => {
      const response = await api.get('/api/v1/local-users/dora');
      expect(response.body.force_password_change).toBe(false);
    });
    expect((await etcLine(root, 'shadow', 'dora'))?.split(':')[2]).toBe('20000');
  });
});
