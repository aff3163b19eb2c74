import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { lstat, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { LocalUserConverger } from '../../../apps/host-agent/src/converge/local-user-converger';
import { ManagedAccounts } from '../../../apps/host-agent/src/converge/managed-accounts';
import { ShadowUtils, type ToolRunner } from '../../../apps/host-agent/src/shadow/shadow-utils';
import { ROOT_EQUIVALENT_GROUPS } from '../../../libs/domain/src/local-users/account-fields';
import type {
  DesiredLocalUser,
  DesiredPresentUser,
  DesiredSshKey,
  FieldOutcome,
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

const childProcess = jest.requireActual<typeof import('node:child_process')>('node:child_process');
const logLines: string[] = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });

function command(username: string, revision: number, desired: DesiredLocalUser): HostCommand {
  return { commandId: randomUUID(), hostId: 'test-host', username, revision: String(revision), desired };
}

/** What the agent reports when usermod is asked for a group the host lacks. */
function groupMissing(group: string): FieldOutcome {
  const message = `usermod: group '${group}' does not exist`;
  return { field: 'groups', status: 'failed', tool: 'usermod', exitCode: 6, message };
}

function field(line: string | undefined, index: number): string | undefined {
  return line?.split(':')[index];
}

describe('LocalUserConverger on a sandbox root (real shadow-utils)', () => {
  let sandbox: Sandbox;
  let runner: ShadowUtils;
  let runs: jest.SpyInstance<ReturnType<ToolRunner['run']>, Parameters<ToolRunner['run']>>;
  let converger: LocalUserConverger;
  let managed: ManagedAccounts;
  // Every process the agent starts, real argv included; cleared by no test.
  const processes = jest.spyOn(childProcess, 'execFile');
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
    managed = await ManagedAccounts.open(join(sandbox.dir, 'state', 'managed.json'));
    converger = new LocalUserConverger({
      root: sandbox.root,
      runner,
      openSecret: fakeOpen,
      sudoGroup: 'sudo',
      refusedGroups: ROOT_EQUIVALENT_GROUPS,
      managed,
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
    // A useradd that names no group, then each field on its own: groups, sudo, the password.
    expect(ran).toStrictEqual(['useradd', 'usermod', 'usermod', 'chpasswd']);

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

  it('changes the password with chpasswd -e', async () => {
    expect(await converge({ passwordHash: fakeSeal(secondHash) })).toStrictEqual(['chpasswd']);
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
    await converge({ groups: ['daemon', 'tty'] });
    expect(await etcLine(sandbox.root, 'group', 'daemon')).toBe('daemon:x:1:alice');
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
      'chpasswd',
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
    expect(runs.mock.calls.map(([tool, args]) => [tool, args])).toStrictEqual([['userdel', ['-r', 'alice']]]);
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
      command('bob', 0, {
        ...desired,
        passwordHash: fakeSeal(firstHash),
        groups: ['no-such-group'],
        sudo: true,
        sshKeys: [laptop],
      }),
    );
    expect(outcome).toMatchObject({ status: 'failed', tool: 'usermod', exitCode: 6 });
    expect(outcome.status === 'failed' && outcome.message).toContain("group 'no-such-group' does not exist");
    expect(JSON.stringify(outcome)).not.toContain(firstHash.split('$')[3]);
    // The account exists without the group, as the platform's: the next command finds it, not a wedge.
    expect(await etcLine(sandbox.root, 'passwd', 'bob')).toBeDefined();
    expect(managed.manages('bob')).toBe(true);
    expect(outcome.status === 'failed' && outcome.fields).toStrictEqual([
      { field: 'account', status: 'applied' },
      { field: 'ssh_keys', status: 'applied' },
      groupMissing('no-such-group'),
      { field: 'sudo', status: 'applied' },
      { field: 'password', status: 'applied' },
    ]);
    expect(await etcLine(sandbox.root, 'group', 'sudo')).toMatch(/[:,]bob(,|$)/);
  });

  describe('a field the host cannot take never keeps the others from applying', () => {
    const wendy = (change: Partial<DesiredPresentUser>): DesiredPresentUser => ({
      ...desired,
      shell: '/bin/bash',
      fullName: 'Wendy',
      expiresOn: null,
      forcePasswordChange: false,
      groups: ['users'],
      sudo: true,
      locked: false,
      sshKeys: [laptop],
      passwordHash: fakeSeal(firstHash),
      ...change,
    });

    beforeAll(async () => {
      expect(await converger.apply(command('wendy', 1, wendy({})))).toMatchObject({ status: 'applied' });
      expect(await etcLine(sandbox.root, 'group', 'sudo')).toMatch(/[:,]wendy(,|$)/);
    });

    it('revokes sudo, locks and removes a key while a group the host lacks fails on its own', async () => {
      runs.mockClear();
      const outcome = await converger.apply(
        command(
          'wendy',
          2,
          wendy({ groups: ['users', 'developers'], sudo: false, locked: true, sshKeys: [] }),
        ),
      );
      expect(outcome).toMatchObject({ status: 'failed', tool: 'usermod', exitCode: 6 });
      expect(outcome.status === 'failed' && outcome.fields).toStrictEqual([
        { field: 'locked', status: 'applied' },
        { field: 'sudo', status: 'applied' },
        { field: 'ssh_keys', status: 'applied' },
        groupMissing('developers'),
      ]);
      expect(await etcLine(sandbox.root, 'group', 'sudo')).not.toMatch(/[:,]wendy(,|$)/);
      expect(await etcLine(sandbox.root, 'group', 'users')).toMatch(/[:,]wendy(,|$)/);
      expect(field(await etcLine(sandbox.root, 'shadow', 'wendy'), 1)).toBe(`!${firstHash}`);
      await expect(
        lstat(join(sandbox.root, 'home', 'wendy', '.ssh', 'authorized_keys')),
      ).rejects.toMatchObject({
        code: 'ENOENT',
      });
    });

    it('applies every later command the same way instead of failing it whole', async () => {
      const outcome = await converger.apply(
        command(
          'wendy',
          3,
          wendy({ groups: ['developers'], sudo: false, locked: true, sshKeys: [], shell: '/bin/sh' }),
        ),
      );
      expect(
        outcome.status === 'failed' && outcome.fields?.map((item) => [item.field, item.status]),
      ).toStrictEqual([
        ['groups', 'failed'],
        ['shell', 'applied'],
      ]);
      // Dropping users needs no unknown group: only adding developers failed.
      expect(await etcLine(sandbox.root, 'group', 'users')).not.toMatch(/[:,]wendy(,|$)/);
      expect(field(await etcLine(sandbox.root, 'passwd', 'wendy'), 6)).toBe('/bin/sh');
    });

    it('leaves the hash as it is when the desired one cannot be opened, and applies the rest', async () => {
      const opener = new LocalUserConverger({
        root: sandbox.root,
        runner,
        openSecret: () => {
          throw new Error('no such key');
        },
        sudoGroup: 'sudo',
        refusedGroups: ROOT_EQUIVALENT_GROUPS,
        managed,
        logger,
      });
      const outcome = await opener.apply(
        command('wendy', 4, wendy({ groups: [], sudo: true, locked: false })),
      );
      expect(
        outcome.status === 'failed' && outcome.fields?.map((item) => [item.field, item.status]),
      ).toStrictEqual([
        ['password', 'failed'],
        ['ssh_keys', 'applied'],
        ['shell', 'applied'],
        ['sudo', 'applied'],
        ['locked', 'applied'],
      ]);
      expect(outcome).toMatchObject({ tool: 'secret', message: 'password hash cannot be opened (key test)' });
      expect(field(await etcLine(sandbox.root, 'shadow', 'wendy'), 1)).toBe(firstHash);
    });
  });

  it('redacts the hash from whatever a tool prints, even when it echoes its input', async () => {
    const echoing: ToolRunner = {
      run: async (tool, args, input) =>
        tool === 'chpasswd'
          ? { exitCode: 3, stderr: `${tool}: refused ${args.join(' ')} ${input ?? ''}` }
          : runner.run(tool, args, input),
    };
    const converging = new LocalUserConverger({
      root: sandbox.root,
      runner: echoing,
      openSecret: fakeOpen,
      sudoGroup: 'sudo',
      refusedGroups: ROOT_EQUIVALENT_GROUPS,
      managed,
      logger,
    });
    const outcome = await converging.apply(
      command('carol', 0, { ...desired, passwordHash: fakeSeal(firstHash) }),
    );
    expect(outcome).toMatchObject({ status: 'failed', tool: 'chpasswd', exitCode: 3 });
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
    expect(await converger.apply(command('trudy', 1, user))).toMatchObject({ status: 'applied' });
    const ssh = join(sandbox.root, 'home', 'trudy', '.ssh');
    await rm(ssh, { recursive: true, force: true });
    await symlink(outside, ssh);

    const keyless = await converger.apply(command('trudy', 2, { ...user, shell: '/bin/sh' }));
    expect(keyless).toMatchObject({ status: 'failed' });
    const keyed = await converger.apply(command('trudy', 3, { ...user, sshKeys: [laptop] }));
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
    expect(outcome.status === 'failed' && outcome.message).toBe(
      'groups[0] grants privileges: use sudo instead',
    );
    expect(runs).not.toHaveBeenCalledWith('usermod', expect.arrayContaining(['sudo']), undefined);
    expect(await etcLine(sandbox.root, 'group', 'sudo')).not.toMatch(/[:,]sneaky(,|$)/);
  });

  describe('a password hash never appears in any argv (every local user can read the process list)', () => {
    it('creates with a password and changes it through stdin only', async () => {
      runs.mockClear();
      const user: DesiredPresentUser = { ...desired, sshKeys: [], passwordHash: fakeSeal(firstHash) };
      expect(await converger.apply(command('hashy', 1, user))).toMatchObject({ status: 'applied' });
      const changed = { ...user, passwordHash: fakeSeal(secondHash), locked: true };
      expect(await converger.apply(command('hashy', 2, changed))).toMatchObject({ status: 'applied' });

      // The lock goes in first on its own, then the new hash with its lock mark.
      expect(tools()).toStrictEqual(['useradd', 'usermod', 'chpasswd', 'usermod', 'chpasswd']);
      for (const [, args] of runs.mock.calls) {
        for (const hash of [firstHash, secondHash]) {
          expect(args.join(' ')).not.toContain(hash.split('$')[3]);
        }
      }
      expect(runs.mock.calls.flatMap(([, , input]) => (input === undefined ? [] : [input]))).toStrictEqual([
        `hashy:${firstHash}\n`,
        `hashy:!${secondHash}\n`,
      ]);
      expect(field(await etcLine(sandbox.root, 'shadow', 'hashy'), 1)).toBe(`!${secondHash}`);
    });

    it('refuses a "hash" that would add a line to chpasswd input', async () => {
      runs.mockClear();
      const injected = `${firstHash}\nroot:${secondHash}`;
      const outcome = await converger.apply(
        command('hashy', 3, { ...desired, sshKeys: [], passwordHash: fakeSeal(injected) }),
      );
      expect(outcome).toMatchObject({ status: 'failed', tool: 'secret' });
      expect(tools()).not.toContain('chpasswd');
      expect(field(await etcLine(sandbox.root, 'shadow', 'hashy'), 1)).not.toContain('root');
      expect(field(await etcLine(sandbox.root, 'shadow', 'root'), 1)).toBe('*');
    });
  });

  describe('authorized_keys is written as the user, never by root through paths the user controls', () => {
    const etc = (): string => join(sandbox.root, 'etc');
    const etcSnapshot = async (): Promise<string[]> => {
      const names = (await readdir(etc())).sort();
      return Promise.all(
        names.map(async (name) => {
          const path = join(etc(), name);
          const stats = await lstat(path);
          const content = stats.isFile() ? await readFile(path, 'utf8') : '';
          return `${name} ${stats.uid}:${stats.gid} ${stats.mode.toString(8)} ${content}`;
        }),
      );
    };

    async function createUser(username: string): Promise<string> {
      const user: DesiredPresentUser = { ...desired, passwordHash: null, sshKeys: [laptop] };
      expect(await converger.apply(command(username, 1, user))).toMatchObject({ status: 'applied' });
      return join(sandbox.root, 'home', username);
    }

    it("refuses a ~/.ssh link into the root's etc/, with or without keys, and leaves etc/ untouched", async () => {
      const home = await createUser('oscar');
      await rm(join(home, '.ssh'), { recursive: true, force: true });
      await symlink(etc(), join(home, '.ssh'));
      const before = await etcSnapshot();

      const keyed = await converger.apply(
        command('oscar', 2, { ...desired, passwordHash: null, sshKeys: [desktop] }),
      );
      expect(keyed).toMatchObject({ status: 'failed', tool: 'authorized_keys' });
      expect(keyed.status === 'failed' && keyed.message).toContain('~/.ssh is a link: refused');
      const keyless = await converger.apply(
        command('oscar', 3, { ...desired, passwordHash: null, sshKeys: [] }),
      );
      expect(keyless.status === 'failed' && keyless.message).toContain('~/.ssh is a link: refused');
      expect(await etcSnapshot()).toStrictEqual(before);
    });

    it("refuses an authorized_keys link to the root's etc/shadow and leaves it untouched", async () => {
      const home = await createUser('olga');
      const keys = join(home, '.ssh', 'authorized_keys');
      await rm(keys);
      await symlink(join(etc(), 'shadow'), keys);
      const before = await etcSnapshot();

      const outcome = await converger.apply(
        command('olga', 2, { ...desired, passwordHash: null, sshKeys: [desktop] }),
      );
      expect(outcome).toMatchObject({ status: 'failed', tool: 'authorized_keys' });
      expect(outcome.status === 'failed' && outcome.message).toContain(
        '~/.ssh/authorized_keys is a link: refused',
      );
      expect(await etcSnapshot()).toStrictEqual(before);
    });

    it('writes nothing into etc/ while the user keeps swapping ~/.ssh for a link to it', async () => {
      const home = await createUser('racer');
      const { uid, gid } = await stat(home);
      // The user's own process: swaps the real ~/.ssh and a link to etc/ as fast as it can.
      const swapper = spawn(
        process.execPath,
        [
          '-e',
          `const fs = require('node:fs');
           const until = Date.now() + 20000;
           while (Date.now() < until) {
             for (const swap of [
               () => fs.renameSync('.ssh', 'real'),
               () => fs.symlinkSync(${JSON.stringify(etc())}, '.ssh'),
               () => fs.unlinkSync('.ssh'),
               () => fs.renameSync('real', '.ssh'),
               () => fs.rmSync('real', { recursive: true, force: true }),
             ]) {
               try { swap(); } catch {}
             }
           }`,
        ],
        { cwd: home, uid, gid, env: {}, stdio: 'ignore' },
      );
      let swapping = true;
      const exited = new Promise((resolve) => swapper.on('exit', resolve)).then(() => (swapping = false));
      const before = await etcSnapshot();
      const statuses = new Set<string>();
      // At least 38 rounds, and on until the race has shown both outcomes: on a loaded machine the
      // swapper may start late or be slow, and a run that never met it would prove nothing.
      for (let round = 2; swapping && (round < 40 || statuses.size < 2); round += 1) {
        const keys = round % 2 === 0 ? [laptop, desktop] : [desktop];
        const outcome = await converger.apply(
          command('racer', round, { ...desired, passwordHash: null, sshKeys: keys }),
        );
        statuses.add(outcome.status);
      }
      swapper.kill();
      await exited;
      expect(statuses.size).toBeGreaterThan(1);
      expect(await etcSnapshot()).toStrictEqual(before);
    });
  });

  it('refuses root-equivalent groups as plain groups: no tool ever names one', async () => {
    for (const groups of [['docker'], ['users', 'disk']]) {
      runs.mockClear();
      const outcome = await converger.apply(command('groupie', 1, { ...desired, groups }));
      expect(outcome).toMatchObject({ status: 'failed', tool: 'host-agent', exitCode: null });
      expect(outcome.status === 'failed' && outcome.message).toContain(
        `${groups[groups.length - 1]} is root-equivalent`,
      );
      for (const [, args] of runs.mock.calls) expect(args.join(' ')).not.toMatch(/docker|disk/);
    }
    expect(await etcLine(sandbox.root, 'group', 'disk')).not.toMatch(/[:,]groupie(,|$)/);
  });

  describe('accounts the platform did not create', () => {
    const handmade = async (): Promise<Record<string, string | undefined>> => ({
      passwd: await etcLine(sandbox.root, 'passwd', 'mallory'),
      shadow: await etcLine(sandbox.root, 'shadow', 'mallory'),
      sudo: await etcLine(sandbox.root, 'group', 'sudo'),
    });

    beforeAll(async () => {
      await promisify(execFile)('/usr/sbin/useradd', ['--prefix', sandbox.root, '-m', 'mallory']);
    });

    it('are neither changed nor deleted without adoption', async () => {
      const before = await handmade();
      expect(before.passwd).toBeDefined();
      runs.mockClear();
      const changed = await converger.apply(command('mallory', 1, { ...desired, sudo: true }));
      expect(changed).toMatchObject({ status: 'failed', tool: 'host-agent', exitCode: null });
      expect(changed.status === 'failed' && changed.message).toBe(
        'mallory already exists on the host and was not created by the platform: refused (adopt it explicitly)',
      );
      const deleted = await converger.apply(command('mallory', 2, { present: false, removeHome: true }));
      expect(deleted).toMatchObject({ status: 'failed', tool: 'host-agent' });
      expect(tools()).toStrictEqual([]);
      expect(await handmade()).toStrictEqual(before);
    });

    it('are changed once adopted, and remembered as managed from then on', async () => {
      const adopted = await converger.apply(
        command('mallory', 3, {
          ...desired,
          fullName: 'Mallory',
          sshKeys: [],
          passwordHash: null,
          adopt: true,
        }),
      );
      expect(adopted).toMatchObject({ status: 'applied' });
      expect(field(await etcLine(sandbox.root, 'passwd', 'mallory'), 4)).toBe('Mallory');
      const reopened = await ManagedAccounts.open(join(sandbox.dir, 'state', 'managed.json'));
      expect(reopened.manages('mallory')).toBe(true);
      expect(reopened.manages('alice')).toBe(false);
      expect(reopened.manages('hashy')).toBe(true);
    });
  });

  it('started no process with a password hash in its argv, whatever the test', () => {
    expect(processes.mock.calls.length).toBeGreaterThan(0);
    for (const [file, args] of processes.mock.calls) {
      const argv = [file, ...(args ?? [])].join(' ');
      for (const hash of [firstHash, secondHash]) expect(argv).not.toContain(hash.split('$')[3]);
    }
  });

  it('wrote the tool runs to the log, and no password hash', () => {
    const log = logLines.join('');
    expect(log).toContain('shadow tool ran');
    for (const hash of [firstHash, secondHash]) expect(log).not.toContain(hash.split('$')[3]);
  });
});
