import { fold } from '../shared/decider';
import type { HostInventory, InventoryAccount } from '../local-users/host-command';
import { refusal } from '../local-users/testing';
import type { ManagedHostCommand } from './host.commands';
import { accountNamed, hostCatalog, hostDecider, systemAccounts, type HostState } from './host.decider';
import { UNKNOWN_HOST } from './inventory';
import type { HostEvent } from './host.events';
import { hostStream } from './host.stream';

const account = (username: string, uid: number, groups: string[] = []): InventoryAccount => ({
  username,
  uid,
  gid: uid,
  shell: uid < 1000 ? '/usr/sbin/nologin' : '/bin/bash',
  home: uid === 0 ? '/root' : `/home/${username}`,
  groups,
});
const accounts: InventoryAccount[] = [
  account('root', 0),
  account('daemon', 1),
  account('Debian-exim', 101),
  account('nobody', 65534),
  account('alice', 1000, ['dev', 'ops']),
];
const inventory = (overrides: Partial<HostInventory> = {}): HostInventory => ({
  hostId: 'web-1',
  takenAt: '2025-01-01T10:00:00Z',
  accounts,
  ...overrides,
});
const register: ManagedHostCommand = { type: 'RegisterHost', hostId: 'web-1', name: 'Web 1' };

function run(commands: readonly ManagedHostCommand[]): { state: HostState; events: HostEvent[] } {
  const events: HostEvent[] = [];
  for (const command of commands) events.push(...hostDecider.decide(command, fold(hostDecider, events)));
  return { state: fold(hostDecider, events), events };
}

describe('host decider', () => {
  it('names its stream by host id', () => {
    expect(hostStream('web-1')).toBe('host-web-1');
  });

  it('registers a host once, with its name trimmed', () => {
    expect(hostDecider.decide({ ...register, name: '  Web 1 ' }, hostDecider.initialState)).toEqual([
      { type: 'HostRegistered', data: { hostId: 'web-1', name: 'Web 1', agentKeys: null } },
    ]);
  });

  describe('agent keys', () => {
    const keys = {
      signing: 'MCowBQYDK2VwAyEAWG7Fp+dIBqZ69BIiQbGKLe9hPJrISyzPFdYZR9XK1XE=',
      sealing: 'MCowBQYDK2VuAyEAHgpC6Q1tNlTtF7VmCYvI2v72LHk8n3WFduak5kXIjTQ=',
    };
    const other = { ...keys, sealing: 'MCowBQYDK2VuAyEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' };
    const rotate = (agentKeys: typeof keys): ManagedHostCommand => ({
      type: 'RotateAgentKeys',
      hostId: 'web-1',
      agentKeys,
    });

    it('records the keys given at registration', () => {
      expect(run([{ ...register, agentKeys: keys }]).state.agentKeys).toEqual(keys);
    });

    it('reads a version 1 registration, which had no keys, as a host without keys', () => {
      const state = hostDecider.evolve(hostDecider.initialState, {
        type: 'HostRegistered',
        data: { hostId: 'web-1', name: 'Web 1' },
      });
      expect(state).toMatchObject({ registered: true, agentKeys: null });
    });

    it.each([
      { signing: keys.sealing, sealing: keys.sealing },
      { signing: keys.signing, sealing: keys.signing },
      { signing: `${keys.signing}A`, sealing: keys.sealing },
      { signing: keys.signing, sealing: '' },
    ])('refuses keys of the wrong kind or shape %#', (agentKeys) => {
      const error = refusal(() => hostDecider.decide({ ...register, agentKeys }, hostDecider.initialState));
      expect(error).toMatchObject({ code: 'invalid', field: 'agent_public_keys' });
    });

    it('refuses to swap keys by registering again, and rotates them on request', () => {
      const { state } = run([{ ...register, agentKeys: keys }]);
      const error = refusal(() => hostDecider.decide({ ...register, agentKeys: other }, state));
      expect(error).toMatchObject({ code: 'conflict', field: 'agent_public_keys' });
      expect(hostDecider.decide({ ...register, agentKeys: keys }, state)).toEqual([]);
      expect(hostDecider.decide(rotate(other), state)).toEqual([
        { type: 'HostAgentKeysRotated', data: { hostId: 'web-1', agentKeys: other } },
      ]);
      expect(run([{ ...register, agentKeys: keys }, rotate(other)]).state.agentKeys).toEqual(other);
      expect(hostDecider.decide(rotate(keys), state)).toEqual([]);
    });

    it('refuses to rotate the keys of a host nobody registered', () => {
      const error = refusal(() => hostDecider.decide(rotate(keys), hostDecider.initialState));
      expect(error.code).toBe('not_found');
    });
  });

  it('treats registering again under the same name as no change', () => {
    expect(run([register, register]).events).toHaveLength(1);
  });

  it('refuses to register again under another name', () => {
    const { state } = run([register]);
    const error = refusal(() => hostDecider.decide({ ...register, name: 'Web one' }, state));
    expect(error.code).toBe('conflict');
    expect(error.field).toBe('name');
  });

  it.each(['Web_1', '-web', '', 'web/1', 'a'.repeat(64), 'wеb-1'])('refuses the host id %j', (hostId) => {
    const error = refusal(() => hostDecider.decide({ ...register, hostId }, hostDecider.initialState));
    expect(error.code).toBe('invalid');
    expect(error.field).toBe('host_id');
  });

  it.each(['', '   ', 'x'.repeat(129), 'Web\n1', 'Web\u0000'])('refuses the name %j', (name) => {
    const error = refusal(() => hostDecider.decide({ ...register, name }, hostDecider.initialState));
    expect(error.code).toBe('invalid');
    expect(error.field).toBe('name');
  });

  it('accepts a name of 128 characters, not counting surrounding blanks', () => {
    expect(
      hostDecider.decide({ ...register, name: ` ${'é'.repeat(128)} ` }, hostDecider.initialState),
    ).toHaveLength(1);
  });

  it('refuses an inventory for a host nobody registered', () => {
    const error = refusal(() =>
      hostDecider.decide({ type: 'RecordInventory', inventory: inventory() }, hostDecider.initialState),
    );
    expect(error.code).toBe('not_found');
    expect(error.field).toBe('host_id');
  });

  it('records an inventory and ignores a later identical one, whatever its time and order', () => {
    const { events, state } = run([
      register,
      { type: 'RecordInventory', inventory: inventory() },
      {
        type: 'RecordInventory',
        inventory: inventory({
          takenAt: '2025-01-01T10:05:00.123+02:00',
          accounts: [...accounts]
            .reverse()
            .map((entry) => ({ ...entry, groups: [...entry.groups].reverse() })),
        }),
      },
    ]);
    expect(events.map((event) => event.type)).toEqual(['HostRegistered', 'HostInventoryReported']);
    expect(state.inventory?.takenAt).toBe('2025-01-01T10:00:00Z');
  });

  it('ignores a report older than the one recorded: stale, or replayed from the transport', () => {
    const { events, state } = run([
      register,
      { type: 'RecordInventory', inventory: inventory() },
      {
        type: 'RecordInventory',
        inventory: inventory({ takenAt: '2025-01-01T11:00:00Z', accounts: accounts.slice(1) }),
      },
      { type: 'RecordInventory', inventory: inventory() },
    ]);
    expect(events.map((event) => event.type)).toEqual([
      'HostRegistered',
      'HostInventoryReported',
      'HostInventoryReported',
    ]);
    expect(state.inventory?.accounts).toEqual(accounts.slice(1));
  });

  it.each([
    ['a new account', [...accounts, account('bob', 1001)]],
    ['a removed account', accounts.slice(1)],
    [
      'a changed uid',
      accounts.map((entry) => (entry.username === 'alice' ? { ...entry, uid: 1002 } : entry)),
    ],
    [
      'changed groups',
      accounts.map((entry) => (entry.username === 'alice' ? { ...entry, groups: ['dev'] } : entry)),
    ],
    [
      'a changed shell',
      accounts.map((entry) => (entry.username === 'alice' ? { ...entry, shell: '/bin/sh' } : entry)),
    ],
  ])('records a report with %s', (_why, changed) => {
    const { events } = run([
      register,
      { type: 'RecordInventory', inventory: inventory() },
      { type: 'RecordInventory', inventory: inventory({ accounts: changed }) },
    ]);
    expect(events.at(-1)).toEqual({
      type: 'HostInventoryReported',
      data: { hostId: 'web-1', takenAt: '2025-01-01T10:00:00Z', accounts: changed },
    });
  });

  it('records the groups and shells the host has, and a change in them, once', () => {
    const known = { groups: ['dev', 'ops', 'sudo'], shells: ['/bin/sh', '/bin/bash'] };
    const { events, state } = run([
      register,
      { type: 'RecordInventory', inventory: inventory() },
      { type: 'RecordInventory', inventory: inventory(known) },
      {
        type: 'RecordInventory',
        inventory: inventory({ groups: ['sudo', 'ops', 'dev'], shells: known.shells }),
      },
      { type: 'RecordInventory', inventory: inventory({ ...known, groups: ['dev', 'sudo'] }) },
    ]);
    expect(events.map((event) => event.type)).toEqual([
      'HostRegistered',
      'HostInventoryReported',
      'HostInventoryReported',
      'HostInventoryReported',
    ]);
    expect(events[2].data).toMatchObject(known);
    expect(hostCatalog(state)).toEqual({ groups: ['dev', 'sudo'], shells: known.shells });
  });

  it('knows no groups or shells before an inventory, nor from an agent that does not report them', () => {
    expect(hostCatalog(run([register]).state)).toEqual(UNKNOWN_HOST);
    const { events, state } = run([register, { type: 'RecordInventory', inventory: inventory() }]);
    expect(events.at(-1)?.data).not.toHaveProperty('groups');
    expect(hostCatalog(state)).toEqual(UNKNOWN_HOST);
  });

  it('records a change in whether an account must change its password', () => {
    const forced = accounts.map((entry) =>
      entry.username === 'alice' ? { ...entry, passwordChangeForced: true } : entry,
    );
    const { events } = run([
      register,
      { type: 'RecordInventory', inventory: inventory({ accounts: forced }) },
      { type: 'RecordInventory', inventory: inventory({ accounts: forced }) },
      { type: 'RecordInventory', inventory: inventory() },
    ]);
    expect(events.map((event) => event.type)).toEqual([
      'HostRegistered',
      'HostInventoryReported',
      'HostInventoryReported',
    ]);
  });

  it.each([
    ['a bad time', inventory({ takenAt: 'yesterday' }), 'taken_at'],
    ['an impossible time', inventory({ takenAt: '2025-13-01T00:00:00Z' }), 'taken_at'],
    ['a repeated username', inventory({ accounts: [...accounts, account('alice', 1003)] }), 'accounts.5'],
    ['an empty username', inventory({ accounts: [account('', 1000)] }), 'accounts.0'],
    [
      'a colon in a field',
      inventory({ accounts: [{ ...account('eve', 1000), home: '/home/eve:x' }] }),
      'accounts.0',
    ],
    ['a negative uid', inventory({ accounts: [account('eve', -1)] }), 'accounts.0'],
    ['a fractional gid', inventory({ accounts: [{ ...account('eve', 1000), gid: 1.5 }] }), 'accounts.0'],
    ['an invalid host id', inventory({ hostId: 'WEB' }), 'host_id'],
    ['a group twice', inventory({ groups: ['dev', 'dev'] }), 'groups'],
    ['an empty group', inventory({ groups: [''] }), 'groups'],
    ['a colon in a group', inventory({ groups: ['dev:x'] }), 'groups'],
    ['a relative shell', inventory({ shells: ['bin/sh'] }), 'shells'],
    ['a newline in a shell', inventory({ shells: ['/bin/sh\n/bin/evil'] }), 'shells'],
    [
      'too many shells',
      inventory({ shells: Array.from({ length: 257 }, (_, index) => `/bin/s${index}`) }),
      'shells',
    ],
    [
      'a forced change that is no flag',
      inventory({
        accounts: [{ ...account('eve', 1000), passwordChangeForced: 'yes' as unknown as boolean }],
      }),
      'accounts.0',
    ],
  ])('refuses an inventory with %s', (_why, report, field) => {
    const { state } = run([register]);
    const error = refusal(() => hostDecider.decide({ type: 'RecordInventory', inventory: report }, state));
    expect(error.code).toBe('invalid');
    expect(error.field).toBe(field);
  });

  it('lists the system accounts: uid below 1000, and nobody', () => {
    const { state } = run([register, { type: 'RecordInventory', inventory: inventory() }]);
    expect(systemAccounts(state)).toEqual(['root', 'daemon', 'Debian-exim', 'nobody']);
  });

  it('refuses to guess the system accounts before the first report', () => {
    expect(() => systemAccounts(run([register]).state)).toThrow(/not reported its accounts yet/);
  });

  it('finds an account by name', () => {
    const { state } = run([register, { type: 'RecordInventory', inventory: inventory() }]);
    expect(accountNamed(state, 'alice')).toEqual(account('alice', 1000, ['dev', 'ops']));
    expect(accountNamed(state, 'bob')).toBeUndefined();
  });
});
