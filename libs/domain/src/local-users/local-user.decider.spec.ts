import { UNKNOWN_HOST } from '../hosts/inventory';
import { fold } from '../shared/decider';
import { ROOT_EQUIVALENT_GROUPS } from './account-fields';
import { describeHostFailure, type EncryptedSecret, type HostOutcome } from './host-command';
import type { CreateLocalUser, LocalUserCommand, SetGroups } from './local-user.commands';
import { desiredStateOf, localUserDecider, MAX_SSH_KEYS, type LocalUserState } from './local-user.decider';
import type { LocalUserEvent, SshKeyRecord } from './local-user.events';
import { parseSshKey } from './ssh-key';
import { opensshPublicKey, refusal } from './testing';

const account = { hostId: 'web-1', username: 'alice' } as const;
const sealed: EncryptedSecret = { keyId: 'k1', sealed: 'c2VhbGVk' };
const resealed: EncryptedSecret = { keyId: 'k2', sealed: 'b3RoZXI' };
const laptop: SshKeyRecord = parseSshKey(`${opensshPublicKey('ed25519')} alice@laptop`);
const phone: SshKeyRecord = parseSshKey(`no-pty ${opensshPublicKey('p256')} alice@phone`);
const protection = { configured: ['ansible'], systemAccounts: ['daemon'] };

function create(overrides: Partial<CreateLocalUser> = {}): CreateLocalUser {
  return {
    type: 'CreateLocalUser',
    ...account,
    shell: '/bin/bash',
    fullName: 'Alice Smith',
    groups: ['dev'],
    sudo: false,
    passwordHash: sealed,
    forcePasswordChange: false,
    sshKeys: [laptop],
    protection,
    refusedGroups: ROOT_EQUIVALENT_GROUPS,
    onHost: UNKNOWN_HOST,
    adopt: false,
    ...overrides,
  };
}

/** Decides each command on the state so far and folds what it appended, like a handler would. */
function run(commands: readonly LocalUserCommand[]): { state: LocalUserState; events: LocalUserEvent[] } {
  const events: LocalUserEvent[] = [];
  for (const command of commands) {
    events.push(...localUserDecider.decide(command, fold(localUserDecider, events)));
  }
  return { state: fold(localUserDecider, events), events };
}

const created = (): LocalUserState => run([create()]).state;
const setGroups = (groups: string[]): SetGroups => ({
  type: 'SetGroups',
  ...account,
  onHost: UNKNOWN_HOST,
  refusedGroups: ROOT_EQUIVALENT_GROUPS,
  groups,
});
const decide = (command: LocalUserCommand, state: LocalUserState = created()): LocalUserEvent[] =>
  localUserDecider.decide(command, state);

describe('local user decider: create', () => {
  it('records the whole account in one event', () => {
    expect(decide(create(), localUserDecider.initialState)).toEqual([
      {
        type: 'LocalUserCreated',
        data: {
          ...account,
          shell: '/bin/bash',
          fullName: 'Alice Smith',
          groups: ['dev'],
          sudo: false,
          passwordHash: sealed,
          forcePasswordChange: false,
          sshKeys: [laptop],
        },
      },
    ]);
  });

  it('refuses to create an account that exists', () => {
    const error = refusal(() => decide(create()));
    expect(error.code).toBe('conflict');
    expect(error.field).toBe('username');
  });

  it.each([
    ['root', 'root'],
    ['a configured account', 'ansible'],
    ['a system account of the host', 'daemon'],
  ])('refuses to create %s', (_why, username) => {
    const error = refusal(() => decide(create({ username }), localUserDecider.initialState));
    expect(error.code).toBe('forbidden');
    expect(error.field).toBe('username');
  });

  it.each([
    ['username', { username: 'a;rm -rf /' }, 'username'],
    ['host id', { hostId: 'Web_1' }, 'host_id'],
    ['shell', { shell: '/bin/../tmp/x' }, 'shell'],
    ['full name', { fullName: 'a:b' }, 'full_name'],
    ['groups', { groups: ['dev', 'dev'] }, 'groups'],
    ['privileged group', { groups: ['sudo'] }, 'groups'],
    ['duplicate keys', { sshKeys: [laptop, phone, laptop] }, 'ssh_keys'],
    ['too many keys', { sshKeys: Array.from({ length: MAX_SSH_KEYS + 1 }, () => laptop) }, 'ssh_keys'],
    [
      'forced change without password',
      { passwordHash: null, forcePasswordChange: true },
      'force_password_change',
    ],
    ['a forged key record', { sshKeys: [{ ...laptop, fingerprint: phone.fingerprint }] }, 'ssh_keys.0'],
    ['a weak key slipped past the parser', { sshKeys: [laptop, { ...phone, bits: 1024 }] }, 'ssh_keys.1'],
  ] as const)('refuses an invalid %s', (_why, overrides, field) => {
    const error = refusal(() => decide(create(overrides), localUserDecider.initialState));
    expect(error.code).toBe('invalid');
    expect(error.field).toBe(field);
  });

  it('refuses a root-equivalent group, naming it', () => {
    const error = refusal(() => decide(create({ groups: ['dev', 'docker'] }), localUserDecider.initialState));
    expect([error.code, error.field]).toStrictEqual(['invalid', 'groups']);
    expect(error.message).toContain('docker');
    expect(
      refusal(() =>
        decide({
          type: 'SetGroups',
          ...account,
          onHost: UNKNOWN_HOST,
          refusedGroups: ['podman'],
          groups: ['podman'],
        }),
      ).message,
    ).toContain('podman');
  });

  describe('what the host has, when its inventory tells', () => {
    const onHost = { groups: ['dev', 'ops', 'sudo'], shells: ['/bin/sh', '/bin/bash'] };

    it.each([
      ['a group the host lacks', create({ onHost, groups: ['dev', 'developers'] }), 'groups', 'developers'],
      ['a shell it does not list', create({ onHost, shell: '/nonexistent/sh' }), 'shell', '/nonexistent/sh'],
      [
        'groups it lacks',
        { type: 'SetGroups', ...account, onHost, refusedGroups: [], groups: ['ops', 'docker2'] },
        'groups',
        'docker2',
      ],
      ['a shell change', { type: 'ChangeShell', ...account, onHost, shell: '/bin/zsh' }, 'shell', '/bin/zsh'],
    ] as const)('refuses %s, naming the field and the value', (_why, command, field, value) => {
      const error = refusal(() =>
        decide(command, command.type === 'CreateLocalUser' ? localUserDecider.initialState : created()),
      );
      expect([error.code, error.field]).toStrictEqual(['invalid', field]);
      expect(error.message).toContain(value);
    });

    it('accepts what the host has, and anything while its inventory does not say', () => {
      const fresh = localUserDecider.initialState;
      expect(decide(create({ onHost, groups: ['ops'], shell: '/bin/sh' }), fresh)).toHaveLength(1);
      expect(decide(create({ groups: ['developers'], shell: '/opt/zsh' }), fresh)).toHaveLength(1);
      expect(
        decide(
          create({ onHost: { groups: null, shells: ['/bin/sh'] }, groups: ['x'], shell: '/bin/sh' }),
          fresh,
        ),
      ).toHaveLength(1);
    });
  });

  it('records an adoption, and the desired state asks the host to adopt', () => {
    const events = decide(create({ adopt: true }), localUserDecider.initialState);
    expect(events[0]).toMatchObject({ type: 'LocalUserCreated', data: { adopt: true } });
    const adopted = fold(localUserDecider, events);
    expect(desiredStateOf(adopted)).toMatchObject({ present: true, adopt: true });
    expect(desiredStateOf(created())).not.toHaveProperty('adopt');
  });

  it('accepts an account with keys only and no password', () => {
    const { state } = run([create({ passwordHash: null, sshKeys: [laptop, phone] })]);
    expect(state.passwordHash).toBeNull();
    expect(state.sshKeys.map((key) => key.fingerprint)).toEqual([laptop.fingerprint, phone.fingerprint]);
  });
});

describe('local user decider: changes', () => {
  const missing: LocalUserCommand[] = [
    { type: 'DeleteLocalUser', ...account, protection, removeHome: true },
    { type: 'SetLocalUserPassword', ...account, passwordHash: sealed, forcePasswordChange: false },
    { type: 'AddSshKey', ...account, key: phone },
    { type: 'RemoveSshKey', ...account, fingerprint: laptop.fingerprint },
    { type: 'GrantSudo', ...account },
    { type: 'RevokeSudo', ...account },
    { type: 'LockLocalUser', ...account },
    { type: 'UnlockLocalUser', ...account },
    { type: 'SetAccountExpiry', ...account, expiresOn: '2030-01-01' },
    { type: 'ChangeShell', ...account, onHost: UNKNOWN_HOST, shell: '/bin/zsh' },
    setGroups(['ops']),
    { type: 'ForcePasswordChange', ...account },
  ];

  it.each(missing.map((command) => [command.type, command] as const))(
    'refuses %s on an account that was never created',
    (_type, command) => {
      const error = refusal(() => decide(command, localUserDecider.initialState));
      expect(error.code).toBe('not_found');
      expect(error.field).toBe('username');
    },
  );

  it.each(missing.map((command) => [command.type, command] as const))(
    'refuses %s on a deleted account',
    (_type, command) => {
      const { state } = run([
        create(),
        { type: 'DeleteLocalUser', ...account, protection, removeHome: false },
      ]);
      expect(refusal(() => decide(command, state)).code).toBe('not_found');
    },
  );

  it('adds and removes keys by fingerprint, in order', () => {
    const { state, events } = run([
      create(),
      { type: 'AddSshKey', ...account, key: phone },
      { type: 'RemoveSshKey', ...account, fingerprint: laptop.fingerprint },
    ]);
    expect(events.map((event) => event.type)).toEqual([
      'LocalUserCreated',
      'LocalUserSshKeyAdded',
      'LocalUserSshKeyRemoved',
    ]);
    expect(state.sshKeys).toEqual([phone]);
  });

  it('refuses a key that is already present, whatever its options or comment', () => {
    const same = parseSshKey(`restrict ${laptop.line.split(' ').slice(0, 2).join(' ')} other`);
    const error = refusal(() => decide({ type: 'AddSshKey', ...account, key: same }));
    expect(error.code).toBe('conflict');
    expect(error.field).toBe('ssh_key');
  });

  it('refuses a forged key record on add', () => {
    const error = refusal(() =>
      decide({ type: 'AddSshKey', ...account, key: { ...phone, options: 'restrict' } }),
    );
    expect(error.code).toBe('invalid');
    expect(error.field).toBe('ssh_key');
  });

  it('refuses a key past the maximum', () => {
    const full = {
      ...created(),
      sshKeys: Array.from({ length: MAX_SSH_KEYS }, (_, i) => ({ ...laptop, fingerprint: `f${i}` })),
    };
    expect(refusal(() => decide({ type: 'AddSshKey', ...account, key: phone }, full)).code).toBe('conflict');
  });

  it('refuses to remove an unknown key', () => {
    const error = refusal(() => decide({ type: 'RemoveSshKey', ...account, fingerprint: phone.fingerprint }));
    expect(error.code).toBe('not_found');
    expect(error.field).toBe('fingerprint');
  });

  it.each([
    ['GrantSudo', [{ type: 'GrantSudo', ...account }], 'LocalUserSudoGranted'],
    [
      'RevokeSudo',
      [
        { type: 'GrantSudo', ...account },
        { type: 'RevokeSudo', ...account },
      ],
      'LocalUserSudoRevoked',
    ],
    ['LockLocalUser', [{ type: 'LockLocalUser', ...account }], 'LocalUserLocked'],
    [
      'UnlockLocalUser',
      [
        { type: 'LockLocalUser', ...account },
        { type: 'UnlockLocalUser', ...account },
      ],
      'LocalUserUnlocked',
    ],
    [
      'SetAccountExpiry',
      [{ type: 'SetAccountExpiry', ...account, expiresOn: '2030-06-30' }],
      'LocalUserExpirySet',
    ],
    [
      'ChangeShell',
      [{ type: 'ChangeShell', ...account, onHost: UNKNOWN_HOST, shell: '/bin/zsh' }],
      'LocalUserShellChanged',
    ],
    ['SetGroups', [setGroups(['dev', 'ops'])], 'LocalUserGroupsSet'],
    ['ForcePasswordChange', [{ type: 'ForcePasswordChange', ...account }], 'LocalUserPasswordChangeForced'],
  ] as const)('%s appends its event once and nothing when repeated', (_type, commands, eventType) => {
    const { events, state } = run([create(), ...commands]);
    expect(events.at(-1)?.type).toBe(eventType);
    expect(decide(commands[commands.length - 1], state)).toEqual([]);
  });

  it.each([
    ['revoking sudo that was never granted', { type: 'RevokeSudo', ...account }],
    ['unlocking an unlocked account', { type: 'UnlockLocalUser', ...account }],
    ['keeping no expiry', { type: 'SetAccountExpiry', ...account, expiresOn: null }],
    ['keeping the shell', { type: 'ChangeShell', ...account, onHost: UNKNOWN_HOST, shell: '/bin/bash' }],
    ['the same groups', setGroups(['dev'])],
  ] as const)('appends nothing for %s', (_why, command) => {
    expect(decide(command)).toEqual([]);
  });

  it('treats the same groups in another order as no change', () => {
    const { state } = run([create({ groups: ['dev', 'ops'] })]);
    expect(decide(setGroups(['ops', 'dev']), state)).toEqual([]);
    expect(decide(setGroups(['ops']), state)).toHaveLength(1);
  });

  it('records each change in the state', () => {
    const { state } = run([
      create(),
      { type: 'GrantSudo', ...account },
      { type: 'LockLocalUser', ...account },
      { type: 'SetAccountExpiry', ...account, expiresOn: '2030-06-30' },
      { type: 'ChangeShell', ...account, onHost: UNKNOWN_HOST, shell: '/bin/zsh' },
      setGroups(['ops']),
      { type: 'SetLocalUserPassword', ...account, passwordHash: resealed, forcePasswordChange: true },
    ]);
    expect(state).toMatchObject({
      sudo: true,
      locked: true,
      expiresOn: '2030-06-30',
      shell: '/bin/zsh',
      groups: ['ops'],
      passwordHash: resealed,
      forcePasswordChange: true,
      changeCount: 7,
    });
  });

  it('clears an expiry with null', () => {
    const { state } = run([
      create(),
      { type: 'SetAccountExpiry', ...account, expiresOn: '2030-06-30' },
      { type: 'SetAccountExpiry', ...account, expiresOn: null },
    ]);
    expect(state.expiresOn).toBeNull();
  });

  it.each([
    [
      'an impossible expiry date',
      { type: 'SetAccountExpiry', ...account, expiresOn: '2030-02-30' },
      'expires_on',
    ],
    ['a relative shell', { type: 'ChangeShell', ...account, onHost: UNKNOWN_HOST, shell: 'zsh' }, 'shell'],
    ['a privileged group', setGroups(['wheel']), 'groups'],
    ['an invalid username', { type: 'GrantSudo', hostId: 'web-1', username: '../etc' }, 'username'],
    ['an invalid host id', { type: 'GrantSudo', hostId: 'web/1', username: 'alice' }, 'host_id'],
  ] as const)('refuses %s', (_why, command, field) => {
    const error = refusal(() => decide(command));
    expect(error.code).toBe('invalid');
    expect(error.field).toBe(field);
  });

  it('refuses to force a password change on an account without a password', () => {
    const { state } = run([create({ passwordHash: null })]);
    expect(refusal(() => decide({ type: 'ForcePasswordChange', ...account }, state)).code).toBe('conflict');
  });

  it('always records a new password, even when it is flagged the same way', () => {
    const command: LocalUserCommand = {
      type: 'SetLocalUserPassword',
      ...account,
      passwordHash: sealed,
      forcePasswordChange: false,
    };
    expect(decide(command)).toEqual([
      {
        type: 'LocalUserPasswordSet',
        data: { ...account, passwordHash: sealed, forcePasswordChange: false },
      },
    ]);
  });
});

describe('local user decider: delete and create again', () => {
  it('deletes, then creates a fresh account', () => {
    const { state, events } = run([
      create({ sudo: true }),
      { type: 'LockLocalUser', ...account },
      { type: 'DeleteLocalUser', ...account, protection, removeHome: true },
      create({ sshKeys: [phone], sudo: false, passwordHash: null }),
    ]);
    expect(events.map((event) => event.type)).toEqual([
      'LocalUserCreated',
      'LocalUserLocked',
      'LocalUserDeleted',
      'LocalUserCreated',
    ]);
    expect(state).toMatchObject({
      exists: true,
      deleted: false,
      removeHome: false,
      locked: false,
      sudo: false,
      passwordHash: null,
      sshKeys: [phone],
      changeCount: 4,
    });
  });

  it.each([
    ['root', 'root'],
    ['a configured account', 'ansible'],
    ['a system account of the host', 'daemon'],
  ])('refuses to delete %s as forbidden, not as missing', (_why, username) => {
    const command: LocalUserCommand = {
      type: 'DeleteLocalUser',
      ...account,
      username,
      protection,
      removeHome: false,
    };
    const error = refusal(() => decide(command, localUserDecider.initialState));
    expect([error.code, error.field]).toStrictEqual(['forbidden', 'username']);
  });

  it('refuses to delete twice', () => {
    const { state } = run([create(), { type: 'DeleteLocalUser', ...account, protection, removeHome: false }]);
    expect(state).toMatchObject({ exists: false, deleted: true, removeHome: false });
    expect(
      refusal(() => decide({ type: 'DeleteLocalUser', ...account, protection, removeHome: false }, state))
        .code,
    ).toBe('not_found');
  });
});

describe('local user decider: host outcomes', () => {
  const applied: HostOutcome = { commandId: 'c1', ...account, revision: '0', status: 'applied' };
  const failed: HostOutcome = {
    commandId: 'c2',
    ...account,
    revision: '1',
    status: 'failed',
    tool: 'usermod',
    exitCode: 6,
    message: "usermod: group 'ops' does not exist",
  };

  it('records an applied change and remembers it as the last outcome', () => {
    const events = decide({ type: 'RecordHostOutcome', ...account, outcome: applied });
    expect(events).toEqual([
      { type: 'HostChangeApplied', data: { ...account, commandId: 'c1', revision: '0' } },
    ]);
    const state = events.reduce(localUserDecider.evolve, created());
    expect(state.lastOutcome).toEqual(applied);
    expect(state.changeCount).toBe(1);
  });

  it('records a failure with what the tool said', () => {
    const { state } = run([create(), { type: 'GrantSudo', ...account }]);
    const events = decide({ type: 'RecordHostOutcome', ...account, outcome: failed }, state);
    expect(events).toEqual([
      {
        type: 'HostChangeFailed',
        data: {
          ...account,
          commandId: 'c2',
          revision: '1',
          tool: 'usermod',
          exitCode: 6,
          message: failed.message,
        },
      },
    ]);
    expect(events.reduce(localUserDecider.evolve, created()).lastOutcome).toEqual(failed);
  });

  it('records what became of each field, and why the failed ones failed', () => {
    const { state } = run([create(), { type: 'GrantSudo', ...account }]);
    const fields = [
      { field: 'sudo', status: 'applied' },
      { field: 'groups', status: 'failed', tool: 'usermod', exitCode: 6, message: failed.message },
    ] as const;
    const outcome: HostOutcome = { ...failed, fields: [...fields] };
    const [event] = decide({ type: 'RecordHostOutcome', ...account, outcome }, state);
    expect(event).toMatchObject({ type: 'HostChangeFailed', data: { fields } });
    expect(localUserDecider.evolve(created(), event).lastOutcome).toEqual(outcome);
    expect(describeHostFailure(outcome)).toBe(`groups: ${failed.message} (applied: sudo)`);
    expect(describeHostFailure(failed)).toBe(failed.message);
  });

  it.each([
    ['an unknown field', [{ field: 'uid', status: 'applied' }]],
    [
      'a field twice',
      [
        { field: 'sudo', status: 'applied' },
        { field: 'sudo', status: 'applied' },
      ],
    ],
    ['an unknown status', [{ field: 'sudo', status: 'maybe' }]],
    ['a failure without a message', [{ field: 'sudo', status: 'failed', tool: 'usermod', exitCode: 1 }]],
    ['a fractional exit code', [{ field: 'sudo', status: 'failed', tool: 'x', exitCode: 1.5, message: '' }]],
    [
      'an oversized message',
      [{ field: 'sudo', status: 'failed', tool: 'x', exitCode: 1, message: 'x'.repeat(2001) }],
    ],
    ['no list', { field: 'sudo' }],
  ])('refuses an outcome whose fields have %s: it would be an event for good', (_why, fields) => {
    const { state } = run([create(), { type: 'GrantSudo', ...account }]);
    const outcome = { ...failed, fields } as unknown as HostOutcome;
    const error = refusal(() => decide({ type: 'RecordHostOutcome', ...account, outcome }, state));
    expect([error.code, error.field]).toStrictEqual(['invalid', 'outcome']);
  });

  it('keeps only the known keys of each field', () => {
    const { state } = run([create(), { type: 'GrantSudo', ...account }]);
    const fields = [{ field: 'sudo', status: 'applied', extra: 'x'.repeat(10_000) }];
    const outcome = { ...failed, fields } as unknown as HostOutcome;
    const [event] = decide({ type: 'RecordHostOutcome', ...account, outcome }, state);
    expect(event.data).toMatchObject({ fields: [{ field: 'sudo', status: 'applied' }] });
    expect(JSON.stringify(event.data)).not.toContain('extra');
  });

  it('records outcomes for a deleted account too: they are history', () => {
    const { state } = run([create(), { type: 'DeleteLocalUser', ...account, protection, removeHome: true }]);
    expect(decide({ type: 'RecordHostOutcome', ...account, outcome: applied }, state)).toHaveLength(1);
  });

  it('refuses an outcome for a revision the account has not reached: a made-up one', () => {
    for (const revision of ['1', '9223372036854775807', '9999999999999999999']) {
      const error = refusal(() =>
        decide({ type: 'RecordHostOutcome', ...account, outcome: { ...failed, revision } }),
      );
      expect(error.code).toBe('invalid');
      expect(error.message).toContain('has not reached');
    }
  });

  it('refuses an outcome about another account', () => {
    const error = refusal(() =>
      decide({ type: 'RecordHostOutcome', ...account, outcome: { ...applied, username: 'bob' } }),
    );
    expect(error.code).toBe('invalid');
    expect(error.field).toBe('outcome');
  });
});

describe('desiredStateOf', () => {
  it('describes the whole present account', () => {
    const { state } = run([
      create({ sshKeys: [laptop, phone], groups: ['dev', 'ops'] }),
      { type: 'GrantSudo', ...account },
      { type: 'SetAccountExpiry', ...account, expiresOn: '2031-01-31' },
      { type: 'ForcePasswordChange', ...account },
    ]);
    expect(desiredStateOf(state)).toEqual({
      present: true,
      shell: '/bin/bash',
      fullName: 'Alice Smith',
      groups: ['dev', 'ops'],
      sudo: true,
      passwordHash: sealed,
      locked: false,
      expiresOn: '2031-01-31',
      forcePasswordChange: true,
      sshKeys: [
        { line: laptop.line, fingerprint: laptop.fingerprint },
        { line: phone.line, fingerprint: phone.fingerprint },
      ],
    });
  });

  it.each([true, false])('describes a deleted account as absent (remove home: %s)', (removeHome) => {
    const { state } = run([create(), { type: 'DeleteLocalUser', ...account, protection, removeHome }]);
    expect(desiredStateOf(state)).toEqual({ present: false, removeHome });
  });
});

describe('a forced password change, once the host applied it', () => {
  const account = { hostId: 'local', username: 'frank' };
  const sealed = { keyId: 'k', sealed: 'x' };
  const history: LocalUserEvent[] = [
    {
      type: 'LocalUserCreated',
      data: {
        ...account,
        shell: '/bin/bash',
        fullName: '',
        groups: [],
        sudo: false,
        passwordHash: sealed,
        forcePasswordChange: true,
        sshKeys: [],
      },
    },
  ];
  const applied = (revision: string): LocalUserEvent => ({
    type: 'HostChangeApplied',
    data: { ...account, commandId: `c-${revision}`, revision },
  });
  const desired = (events: LocalUserEvent[]) => {
    const state = events.reduce(localUserDecider.evolve, localUserDecider.initialState);
    const target = desiredStateOf(state);
    if (!target.present) throw new Error('expected a present user');
    return target;
  };

  it('is still asked for while the host has not applied it', () => {
    expect(
      desired([...history, { type: 'LocalUserShellChanged', data: { ...account, shell: '/bin/sh' } }]),
    ).toMatchObject({ forcePasswordChange: true });
  });

  it('is not asked for again by later changes once applied (the user may have chosen a password since)', () => {
    const later: LocalUserEvent = { type: 'LocalUserShellChanged', data: { ...account, shell: '/bin/sh' } };
    expect(desired([...history, applied('0'), later])).toMatchObject({
      forcePasswordChange: false,
      shell: '/bin/sh',
    });
  });

  it('is not dropped by an outcome for an earlier revision than the request', () => {
    const forcedAgain: LocalUserEvent = { type: 'LocalUserPasswordChangeForced', data: account };
    const events = [...history, applied('0'), forcedAgain, applied('1')];
    expect(desired(events)).toMatchObject({ forcePasswordChange: true });
    expect(desired([...events, applied('3')])).toMatchObject({ forcePasswordChange: false });
  });
});
