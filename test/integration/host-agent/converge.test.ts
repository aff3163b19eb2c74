import { randomUUID } from 'node:crypto';
import { lstat, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { LocalUserConverger } from '../../../apps/host-agent/src/converge/local-user-converger';
import { ShadowUtils, type ToolRunner } from '../../../apps/host-agent/src/shadow/shadow-utils';
import type {
  DesiredLocalUser,
  DesiredPresentUser,
  DesiredSshKey,
  HostCommand,
} from '../../../libs/domain/src/local-users/host-command';
import {
  createSandbox,
  cryptHash,
  ed25519Key,
  etcLine,
  fakeOpen,
  fakeSeal,
  grpckReadOnly,
  pwckReadOnly,
  today,
  type Sandbox,
} from './sandbox-fixtures';

const logLines: string[] = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });

function command(username: string, revision: number, desired: DesiredLocalUser): HostCommand {
  return { commandId: randomUUID(), hostId: 'test-host', username, revision: String(revision), desired };
}

function field(line: string | undefined, index: number): string | undefined {
  return line?.split(':')[index];
}

describe('LocalUserConverger on a sandbox root (real shadow-utils)', () => {
  let sandbox: Sandbox;
  let runner: ShadowUtils;
  let runs: jest.SpyInstance<ReturnType<ToolRunner['run']>, Parameters<ToolRunner['run']>>;
  let converger: LocalUserConverger;
  let firstHash: string;
  let secondHash: string;
  let laptop: DesiredSshKey;
  let desktop: DesiredSshKey;
  let desired: DesiredPresentUser;
  let revision = 0;

  const home = (): string => join(sandbox.root, 'home', 'alice');
  const keysPath = (): string => join(home(), '.ssh', 'authorized_keys');
  const tools = (): string[] => runs.mock.calls.map(([tool]) => tool);

  /** Applies the next revision, then applies it again to prove the second run touches nothing. */
  async function converge(change: Partial<DesiredPresentUser>): Promise<string[]> {
    desired = { ...desired, ...change };
    runs.mockClear();
    revision += 1;
    const first = await converger.apply(command('alice', revision, desired));
    expect(first).toMatchObject({ status: 'applied', revision: String(revision) });
    const ran = tools();
    runs.mockClear();
    expect(await converger.apply(command('alice', revision, desired))).toMatchObject({ status: 'applied' });
    expect(tools()).toStrictEqual([]);
    return ran;
  }

  beforeAll(async () => {
    sandbox = await createSandbox();
    runner = new ShadowUtils({ root: sandbox.root });
    runs = jest.spyOn(runner, 'run');
    converger = new LocalUserConverger({
      root: sandbox.root,
      runner,
      openSecret: fakeOpen,
      sudoGroup: 'sudo',
      logger,
    });
    [firstHash, secondHash] = await Promise.all([
      cryptHash('S3cure-Passw0rd!'),
      cryptHash('An0ther-Passw0rd!'),
    ]);
    laptop = ed25519Key('alice@laptop');
    desktop = ed25519Key('alice@desktop');
    desired = {
      present: true,
      shell: '/bin/bash',
      fullName: 'Alice Example',
      groups: ['users'],
      sudo: true,
      passwordHash: fakeSeal(firstHash),
      locked: false,
      expiresOn: null,
      forcePasswordChange: false,
      sshKeys: [laptop, desktop],
    };
  });

  afterAll(async () => {
    await sandbox.remove();
  });

  it('creates the account with its shell, name, groups, sudo, password and keys', async () => {
    const ran = await converge({});
    expect(ran).toStrictEqual(['useradd']);

    expect(await etcLine(sandbox.root, 'passwd', 'alice')).toBe(
      'alice:x:1000:1000:Alice Example:/home/alice:/bin/bash',
    );
    const shadow = await etcLine(sandbox.root, 'shadow', 'alice');
    expect(field(shadow, 1)).toBe(firstHash);
    expect(Math.abs(Number(field(shadow, 2)) - today())).toBeLessThanOrEqual(1);
    expect(field(shadow, 7)).toBe('');
    expect(await etcLine(sandbox.root, 'group', 'alice')).toBe('alice:x:1000:');
    expect(await etcLine(sandbox.root, 'group', 'sudo')).toBe('sudo:x:27:alice');
    expect(await etcLine(sandbox.root, 'group', 'users')).toBe('users:x:100:alice');
    expect(await etcLine(sandbox.root, 'gshadow', 'sudo')).toBe('sudo:*::alice');
    expect(await etcLine(sandbox.root, 'gshadow', 'users')).toBe('users:*::alice');

    const homeStats = await stat(home());
    expect([homeStats.isDirectory(), homeStats.uid, homeStats.gid]).toStrictEqual([true, 1000, 1000]);
    const ssh = await lstat(join(home(), '.ssh'));
    expect([ssh.isDirectory(), ssh.mode & 0o777, ssh.uid, ssh.gid]).toStrictEqual([true, 0o700, 1000, 1000]);
    const keys = await lstat(keysPath());
    expect([keys.isFile(), keys.mode & 0o777, keys.uid, keys.gid]).toStrictEqual([true, 0o600, 1000, 1000]);
    expect(await readFile(keysPath(), 'utf8')).toBe(`${laptop.line}\n${desktop.line}\n`);
  });

  it('leaves files that pwck and grpck find clean', async () => {
    expect(await pwckReadOnly(sandbox.root)).toStrictEqual({ exitCode: 0, output: '' });
    expect(await grpckReadOnly(sandbox.root)).toStrictEqual({ exitCode: 0, output: '' });
  });

  it('runs no tool and changes no file when a command that took effect is applied again', async () => {
    const files = ['passwd', 'shadow', 'group', 'gshadow'].map((name) => join(sandbox.root, 'etc', name));
    const snapshot = async () =>
      Promise.all(
        [...files, keysPath()].map(async (path) => [
          await readFile(path, 'utf8'),
          (await stat(path)).mtimeMs,
        ]),
      );
    const before = await snapshot();
    runs.mockClear();
    const outcome = await converger.apply(command('alice', revision, desired));
    expect(outcome.status).toBe('applied');
    expect(tools()).toStrictEqual([]);
    expect(await snapshot()).toStrictEqual(before);
  });

  it('changes the password with usermod -p', async () => {
    expect(await converge({ passwordHash: fakeSeal(secondHash) })).toStrictEqual(['usermod']);
    expect(field(await etcLine(sandbox.root, 'shadow', 'alice'), 1)).toBe(secondHash);
  });

  it('removes a key by writing exactly the remaining ones, without any tool', async () => {
    expect(await converge({ sshKeys: [desktop] })).toStrictEqual([]);
    expect(await readFile(keysPath(), 'utf8')).toBe(`${desktop.line}\n`);
    expect((await lstat(keysPath())).mode & 0o777).toBe(0o600);
  });

  it('revokes sudo by leaving the sudo group', async () => {
    expect(await converge({ sudo: false })).toStrictEqual(['usermod']);
    expect(await etcLine(sandbox.root, 'group', 'sudo')).toBe('sudo:x:27:');
    expect(await etcLine(sandbox.root, 'gshadow', 'sudo')).toBe('sudo:*::');
    expect(await etcLine(sandbox.root, 'group', 'users')).toBe('users:x:100:alice');
  });

  it('locks the password', async () => {
    expect(await converge({ locked: true })).toStrictEqual(['usermod']);
    expect(runs).not.toHaveBeenCalledWith('usermod', expect.arrayContaining(['-p']));
    expect(field(await etcLine(sandbox.root, 'shadow', 'alice'), 1)).toBe(`!${secondHash}`);
  });

  it('sets an expiry date', async () => {
    await converge({ expiresOn: '2030-01-01' });
    expect(field(await etcLine(sandbox.root, 'shadow', 'alice'), 7)).toBe('21915');
  });

  it('changes the shell', async () => {
    await converge({ shell: '/bin/sh' });
    expect(field(await etcLine(sandbox.root, 'passwd', 'alice'), 6)).toBe('/bin/sh');
  });

  it('sets the supplementary groups to exactly the list', async () => {
    await converge({ groups: ['adm', 'tty'] });
    expect(await etcLine(sandbox.root, 'group', 'adm')).toBe('adm:x:4:alice');
    expect(await etcLine(sandbox.root, 'group', 'tty')).toBe('tty:x:5:alice');
    expect(await etcLine(sandbox.root, 'group', 'users')).toBe('users:x:100:');
  });

  it('forces a password change at next login (last change day 0) with chage', async () => {
    expect(await converge({ forcePasswordChange: true })).toStrictEqual(['chage']);
    expect(field(await etcLine(sandbox.root, 'shadow', 'alice'), 2)).toBe('0');
  });

  it('never undoes a forced change that is already in place', async () => {
    expect(await converge({ forcePasswordChange: false, fullName: 'Alice B. Example' })).toStrictEqual([
      'usermod',
    ]);
    expect(field(await etcLine(sandbox.root, 'shadow', 'alice'), 2)).toBe('0');
    expect(field(await etcLine(sandbox.root, 'passwd', 'alice'), 4)).toBe('Alice B. Example');
  });

  it('keeps a forced change when a new password is set with it', async () => {
    expect(await converge({ passwordHash: fakeSeal(firstHash), forcePasswordChange: true })).toStrictEqual([
      'usermod',
      'chage',
    ]);
    const shadow = await etcLine(sandbox.root, 'shadow', 'alice');
    expect([field(shadow, 1), field(shadow, 2)]).toStrictEqual([`!${firstHash}`, '0']);
  });

  it('unlocks and clears the expiry', async () => {
    await converge({ locked: false, expiresOn: null, forcePasswordChange: false });
    const shadow = await etcLine(sandbox.root, 'shadow', 'alice');
    expect([field(shadow, 1), field(shadow, 7)]).toStrictEqual([firstHash, '']);
  });

  it('removes the password and the keys file when neither is wanted', async () => {
    await converge({ passwordHash: null, sshKeys: [] });
    expect(field(await etcLine(sandbox.root, 'shadow', 'alice'), 1)).toBe('!');
    await expect(lstat(keysPath())).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await pwckReadOnly(sandbox.root)).toStrictEqual({ exitCode: 0, output: '' });
    expect(await grpckReadOnly(sandbox.root)).toStrictEqual({ exitCode: 0, output: '' });
  });

  it('deletes the account and its home with userdel -r, then has nothing left to do', async () => {
    runs.mockClear();
    const deleted = await converger.apply(command('alice', 100, { present: false, removeHome: true }));
    expect(deleted.status).toBe('applied');
    expect(runs.mock.calls).toStrictEqual([['userdel', ['-r', 'alice']]]);
    for (const file of ['passwd', 'shadow', 'group', 'gshadow']) {
      expect(await etcLine(sandbox.root, file, 'alice')).toBeUndefined();
    }
    await expect(stat(home())).rejects.toMatchObject({ code: 'ENOENT' });

    runs.mockClear();
    const again = await converger.apply(command('alice', 100, { present: false, removeHome: true }));
    expect(again.status).toBe('applied');
    expect(tools()).toStrictEqual([]);
    expect(await grpckReadOnly(sandbox.root)).toStrictEqual({ exitCode: 0, output: '' });
  });

  it("reports a tool's failure with its exit code and message, and nothing of the hash", async () => {
    const outcome = await converger.apply(
      command('bob', 0, { ...desired, passwordHash: fakeSeal(firstHash), groups: ['no-such-group'] }),
    );
    expect(outcome).toMatchObject({ status: 'failed', tool: 'useradd', exitCode: 6 });
    expect(outcome.status === 'failed' && outcome.message).toContain("group 'no-such-group' does not exist");
    expect(JSON.stringify(outcome)).not.toContain(firstHash.split('$')[3]);
    expect(await etcLine(sandbox.root, 'passwd', 'bob')).toBeUndefined();
  });

  it('redacts the hash from whatever a tool prints, even when it echoes its arguments', async () => {
    const echoing: ToolRunner = {
      run: async (tool, args) => ({ exitCode: 3, stderr: `${tool}: refused ${args.join(' ')}` }),
    };
    const converging = new LocalUserConverger({
      root: sandbox.root,
      runner: echoing,
      openSecret: fakeOpen,
      sudoGroup: 'sudo',
      logger,
    });
    const outcome = await converging.apply(
      command('carol', 0, { ...desired, passwordHash: fakeSeal(firstHash) }),
    );
    expect(outcome).toMatchObject({ status: 'failed', tool: 'useradd', exitCode: 3 });
    expect(JSON.stringify(outcome)).not.toContain(firstHash.split('$')[3]);
    expect(outcome.status === 'failed' && outcome.message).toContain('[redacted]');
  });

  it('refuses a username outside the allowed pattern before any tool runs', async () => {
    runs.mockClear();
    for (const username of ['-rf', 'Root', 'a/b', 'x'.repeat(33)]) {
      const outcome = await converger.apply(command(username, 0, desired));
      expect(outcome).toMatchObject({ status: 'failed', tool: 'host-agent', exitCode: null });
    }
    expect(tools()).toStrictEqual([]);
  });

  it('never follows a .ssh link its user planted out of the home, with or without keys', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'outside-'));
    await writeFile(join(outside, 'authorized_keys'), 'ssh-ed25519 AAAA precious\n');
    const user: DesiredPresentUser = { ...desired, sshKeys: [] };
    expect(await converger.apply(command('mallory', 1, user))).toMatchObject({ status: 'applied' });
    const ssh = join(sandbox.root, 'home', 'mallory', '.ssh');
    await rm(ssh, { recursive: true, force: true });
    await symlink(outside, ssh);

    const keyless = await converger.apply(command('mallory', 2, { ...user, shell: '/bin/sh' }));
    expect(keyless).toMatchObject({ status: 'failed' });
    const keyed = await converger.apply(command('mallory', 3, { ...user, sshKeys: [laptop] }));
    expect(keyed).toMatchObject({ status: 'failed' });
    expect(await readFile(join(outside, 'authorized_keys'), 'utf8')).toBe('ssh-ed25519 AAAA precious\n');
    expect((await readdir(outside)).sort()).toStrictEqual(['authorized_keys']);
    await rm(outside, { recursive: true, force: true });
  });

  it('refuses the sudo group named as a plain group: only the sudo flag grants sudo', async () => {
    runs.mockClear();
    const outcome = await converger.apply(
      command('sneaky', 1, { ...desired, sudo: false, groups: ['sudo'] }),
    );
    expect(outcome).toMatchObject({ status: 'failed', tool: 'host-agent' });
    expect(tools()).toStrictEqual([]);
    expect(await etcLine(sandbox.root, 'passwd', 'sneaky')).toBeUndefined();
  });

  it('wrote the tool runs to the log, and no password hash', () => {
    const log = logLines.join('');
    expect(log).toContain('shadow tool ran');
    for (const hash of [firstHash, secondHash]) expect(log).not.toContain(hash.split('$')[3]);
  });
});
