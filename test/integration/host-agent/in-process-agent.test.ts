import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { AppliedRevisions } from '../../../apps/host-agent/src/applied-revisions';
import { LocalUserConverger } from '../../../apps/host-agent/src/converge/local-user-converger';
import { ManagedAccounts } from '../../../apps/host-agent/src/converge/managed-accounts';
import { ROOT_EQUIVALENT_GROUPS } from '../../../libs/domain/src/local-users/account-fields';
import { HostAgent } from '../../../apps/host-agent/src/host-agent';
import { prepareSandboxRoot } from '../../../apps/host-agent/src/sandbox/prepare-sandbox-root';
import { readInventory } from '../../../apps/host-agent/src/shadow/read-accounts';
import { ShadowUtils } from '../../../apps/host-agent/src/shadow/shadow-utils';
import { InProcessHostChannel } from '../../../apps/host-agent/src/transport/in-process-host-channel';
import { HostCommandVerifier } from '../../../apps/host-agent/src/verify/command-verifier';
import {
  ed25519SigningKey,
  generatePrivateKeyPem,
} from '../../../libs/infra/src/host-trust/ed25519-key-source';
import { signHostCommand } from '../../../libs/infra/src/host-trust/host-command-signature';
import type {
  DesiredPresentUser,
  HostCommand,
  HostInventory,
  HostOutcome,
} from '../../../libs/domain/src/local-users/host-command';
import {
  createSandbox,
  cryptHash,
  ed25519Key,
  etcLine,
  fakeOpen,
  fakeSeal,
  type Sandbox,
} from './sandbox-fixtures';

const HOST = 'node-1';
const silent = pino({ level: 'silent' });
const run = promisify(execFile);

const user = (shell: string): DesiredPresentUser => ({
  present: true,
  shell,
  fullName: 'Dana',
  groups: [],
  sudo: false,
  passwordHash: null,
  locked: false,
  expiresOn: null,
  forcePasswordChange: false,
  sshKeys: [],
});

/** The control plane's key, as the relay signs with it; the agent trusts only its public half. */
const controlPlane = ed25519SigningKey(generatePrivateKeyPem('ed25519'), 'test control plane key');

function unsigned(
  revision: number,
  desired: DesiredPresentUser,
  hostId = HOST,
  username = 'dana',
): HostCommand {
  return { commandId: randomUUID(), hostId, username, revision: String(revision), desired };
}

function command(revision: number, desired: DesiredPresentUser, hostId = HOST): HostCommand {
  return signHostCommand(unsigned(revision, desired, hostId), controlPlane);
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('HostAgent over the in-process channel', () => {
  let sandbox: Sandbox;
  let runner: ShadowUtils;
  let runs: jest.SpyInstance;
  let channel: InProcessHostChannel;
  let agent: HostAgent;
  const outcomes: HostOutcome[] = [];
  const inventories: HostInventory[] = [];
  const appliedPath = (): string => join(sandbox.dir, 'state', 'applied.json');

  async function startAgent(): Promise<void> {
    channel = new InProcessHostChannel();
    agent = new HostAgent({
      hostId: HOST,
      source: channel,
      sink: {
        outcome: async (outcome) => void outcomes.push(outcome),
        inventory: async (inventory) => void inventories.push(inventory),
      },
      verifier: new HostCommandVerifier({
        hostId: HOST,
        trustedKeys: [controlPlane.publicKey],
        protection: { configured: ['root'], systemAccounts: [] },
      }),
      converger: new LocalUserConverger({
        root: sandbox.root,
        runner,
        openSecret: fakeOpen,
        sudoGroup: 'sudo',
        refusedGroups: ROOT_EQUIVALENT_GROUPS,
        managed: await ManagedAccounts.open(join(sandbox.dir, 'state', 'managed.json')),
        logger: silent,
      }),
      applied: await AppliedRevisions.open(appliedPath()),
      readInventory: () => readInventory(sandbox.root),
      inventoryIntervalMs: 100,
      logger: silent,
    });
    await agent.start();
  }

  beforeAll(async () => {
    sandbox = await createSandbox();
    runner = new ShadowUtils({ root: sandbox.root });
    runs = jest.spyOn(runner, 'run');
    await startAgent();
  });

  afterAll(async () => {
    await agent.stop();
    await sandbox.remove();
  });

  it('reports an inventory of the sandbox on start', () => {
    expect(inventories[0]).toMatchObject({ hostId: HOST });
    expect(inventories[0].accounts.map((account) => account.username)).toStrictEqual([
      'root',
      'daemon',
      'bin',
      'sys',
      'nobody',
    ]);
    // What the control plane checks account changes against: the groups and the login shells.
    expect(inventories[0].groups).toStrictEqual(expect.arrayContaining(['root', 'sudo', 'users', 'nogroup']));
    expect(inventories[0].shells).toStrictEqual(expect.arrayContaining(['/bin/sh', '/bin/bash']));
    expect(inventories[0].accounts.every((account) => account.passwordChangeForced === false)).toBe(true);
  });

  it('resolves a delivery once the command is applied and its outcome reported', async () => {
    const create = command(1, user('/bin/bash'));
    const outcome = await channel.deliver(create);
    expect(outcome).toMatchObject({ commandId: create.commandId, status: 'applied' });
    expect(outcomes.at(-1)).toStrictEqual(outcome);
    expect(field(await etcLine(sandbox.root, 'passwd', 'dana'))).toBe('/bin/bash');
  });

  it('refuses an older revision replayed after a newer one, without touching the account', async () => {
    await channel.deliver(command(3, user('/bin/sh')));
    runs.mockClear();
    const older = await channel.deliver(command(2, user('/bin/bash')));
    expect(older).toMatchObject({ status: 'failed', tool: 'host-agent', exitCode: null });
    expect(older.status === 'failed' && older.message).toContain('replay');
    expect(runs).not.toHaveBeenCalled();
    expect(field(await etcLine(sandbox.root, 'passwd', 'dana'))).toBe('/bin/sh');
    expect(JSON.parse(await readFile(appliedPath(), 'utf8'))).toStrictEqual({ dana: '3' });
  });

  it('remembers applied revisions across a restart', async () => {
    await agent.stop();
    await expect(channel.deliver(command(4, user('/bin/bash')))).rejects.toThrow('not running');
    await startAgent();
    runs.mockClear();
    expect((await channel.deliver(command(3, user('/bin/bash')))).status).toBe('applied');
    expect(runs).not.toHaveBeenCalled();
  });

  it('refuses a command addressed to another host', async () => {
    const outcome = await channel.deliver(command(9, user('/bin/bash'), 'node-2'));
    expect(outcome).toMatchObject({ status: 'failed', tool: 'host-agent', exitCode: null });
    expect(field(await etcLine(sandbox.root, 'passwd', 'dana'))).toBe('/bin/sh');
  });

  describe('refuses, before anything touches the host', () => {
    const sudoLine = (): Promise<string | undefined> => etcLine(sandbox.root, 'group', 'sudo');

    /**
     * A command the control plane did not send to this host (unsigned, forged, another host's) is
     * not reported: its id, account and revision are the forger's. A sound signature over an unsound
     * state is the control plane's own command, and its failure is reported.
     */
    async function expectRefused(forged: HostCommand, reason: string, reported = true): Promise<void> {
      const reportedBefore = outcomes.length;
      const before = {
        sudo: await sudoLine(),
        passwd: await etcLine(sandbox.root, 'passwd', forged.username),
      };
      runs.mockClear();
      const outcome = await channel.deliver(forged);
      expect(outcome).toMatchObject({ commandId: forged.commandId, status: 'failed', tool: 'host-agent' });
      expect(outcome.status === 'failed' && outcome.message).toContain(reason);
      if (reported) expect(outcomes.at(-1)).toStrictEqual(outcome);
      else expect(outcomes).toHaveLength(reportedBefore);
      expect(runs).not.toHaveBeenCalled();
      expect({
        sudo: await sudoLine(),
        passwd: await etcLine(sandbox.root, 'passwd', forged.username),
      }).toEqual(before);
    }

    it('an unsigned command granting sudo', async () => {
      await expectRefused(unsigned(20, { ...user('/bin/bash'), sudo: true }), 'not signed', false);
      expect(await sudoLine()).not.toContain('dana');
    });

    it('a command signed by a key the agent does not trust', async () => {
      const stranger = ed25519SigningKey(generatePrivateKeyPem('ed25519'), 'stranger');
      await expectRefused(
        signHostCommand(unsigned(21, { ...user('/bin/bash'), sudo: true }), stranger),
        'signature',
        false,
      );
    });

    it('a signed command whose desired state was changed after signing', async () => {
      const signed = command(22, user('/bin/sh'));
      await expectRefused({ ...signed, desired: { ...user('/bin/sh'), sudo: true } }, 'signature', false);
      await expectRefused({ ...signed, username: 'mallory' }, 'signature', false);
    });

    it('a validly signed command for another host', async () => {
      await expectRefused(
        command(23, { ...user('/bin/bash'), sudo: true }, 'node-2'),
        'refused by host node-1',
        false,
      );
    });

    it('a validly signed SSH key whose recorded fingerprint is not the key line', async () => {
      const key = ed25519Key('dana@laptop');
      const other = ed25519Key('mallory@elsewhere');
      const sshKeys = [{ line: other.line, fingerprint: key.fingerprint }];
      await expectRefused(command(24, { ...user('/bin/sh'), sshKeys }), 'fingerprint');
      const garbage = [{ line: 'ssh-ed25519 AAAA not-a-key', fingerprint: key.fingerprint }];
      await expectRefused(command(25, { ...user('/bin/sh'), sshKeys: garbage }), 'ssh_keys.0');
    });

    it('a validly signed bad or protected username, shell or group', async () => {
      const signedFor = (username: string, desired: DesiredPresentUser): HostCommand =>
        signHostCommand(unsigned(26, desired, HOST, username), controlPlane);
      await expectRefused(signedFor('Mallory;id', user('/bin/sh')), 'username');
      await expectRefused(signedFor('root', user('/bin/sh')), 'protected');
      await expectRefused(command(27, user('/bin/../tmp/sh')), 'shell');
      await expectRefused(command(28, { ...user('/bin/sh'), groups: ['root'] }), 'groups');
    });
  });

  it('revokes sudo and locks even when the desired groups hold one this host refuses', async () => {
    const passwordHash = fakeSeal(await cryptHash('Dana-s3cure-passphrase'));
    const withSudo = { ...user('/bin/sh'), sudo: true, passwordHash };
    expect(await channel.deliver(command(40, withSudo))).toMatchObject({ status: 'applied' });
    expect(await etcLine(sandbox.root, 'group', 'sudo')).toMatch(/[:,]dana(,|$)/);

    const outcome = await channel.deliver(
      command(41, { ...withSudo, sudo: false, locked: true, groups: ['docker'] }),
    );
    expect(outcome).toMatchObject({ status: 'failed', tool: 'host-agent' });
    expect(outcome.status === 'failed' && outcome.fields).toStrictEqual([
      {
        field: 'groups',
        status: 'failed',
        tool: 'host-agent',
        exitCode: null,
        message: 'groups[0] docker is root-equivalent and cannot be granted as a plain group',
      },
      { field: 'locked', status: 'applied' },
      { field: 'sudo', status: 'applied' },
    ]);
    expect(outcomes.at(-1)).toStrictEqual(outcome);
    expect(await etcLine(sandbox.root, 'group', 'sudo')).not.toMatch(/[:,]dana(,|$)/);
    expect((await etcLine(sandbox.root, 'shadow', 'dana'))?.split(':')[1]).toMatch(/^!\$6\$/);
  });

  it('shows an account added by hand in the next inventory', async () => {
    await run('/usr/sbin/useradd', ['--prefix', sandbox.root, '-m', 'eve']);
    const seen = await waitFor(() =>
      inventories.find((inventory) => inventory.accounts.some((account) => account.username === 'eve')),
    );
    expect(seen.accounts.find((account) => account.username === 'dana')).toMatchObject({
      shell: '/bin/sh',
      home: '/home/dana',
      groups: [],
    });
  });
});

function field(line: string | undefined): string | undefined {
  return line?.split(':')[6];
}

describe('prepareSandboxRoot', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await createSandbox('wheel');
  });

  afterAll(async () => {
    await sandbox.remove();
  });

  it('refuses the real root', async () => {
    await expect(prepareSandboxRoot('/', { sudoGroup: 'sudo' })).rejects.toThrow('refusing to prepare /');
  });

  it('adds the configured sudo group when the system groups lack it', async () => {
    expect(await etcLine(sandbox.root, 'group', 'wheel')).toBe('wheel:x:10:');
  });

  it('never overwrites the files of an existing root', async () => {
    const passwd = join(sandbox.root, 'etc', 'passwd');
    await writeFile(passwd, 'root:x:0:0:root:/root:/bin/bash\nkept:x:1500:1500::/home/kept:/bin/sh\n');
    expect(await prepareSandboxRoot(sandbox.root, { sudoGroup: 'wheel' })).toStrictEqual([]);
    expect(await etcLine(sandbox.root, 'passwd', 'kept')).toBe('kept:x:1500:1500::/home/kept:/bin/sh');
  });

  it('adds what a sandbox made by an older agent lacks, the login shells, and nothing else', async () => {
    const shells = join(sandbox.root, 'etc', 'shells');
    await rm(shells);
    expect(await prepareSandboxRoot(sandbox.root, { sudoGroup: 'sudo' })).toStrictEqual(['etc/shells']);
    expect((await readFile(shells, 'utf8')).split('\n')).toEqual(
      expect.arrayContaining(['/bin/sh', '/bin/bash']),
    );
  });
});
