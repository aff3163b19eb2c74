import {
  assertValidExpiryDate,
  assertValidFullName,
  assertValidGroups,
  assertValidShell,
  MAX_GROUPS,
  ROOT_EQUIVALENT_GROUPS,
} from './account-fields';
import { refusal } from './testing';

describe('shell', () => {
  it.each(['/bin/bash', '/usr/sbin/nologin', '/usr/local/bin/fish-3.7', '/opt/my_shell/bin/zsh'])(
    'accepts %s',
    (shell) => expect(() => assertValidShell(shell)).not.toThrow(),
  );

  it.each([
    ['a relative path', 'bin/bash'],
    ['a bare slash', '/'],
    ['a parent segment', '/bin/../../tmp/evil'],
    ['a trailing parent segment', '/usr/..'],
    ['a blank', '/bin/ba sh'],
    ['a shell word', '/bin/sh;id'],
    ['a newline', '/bin/bash\n'],
    ['an over-long path', `/${'a'.repeat(256)}`],
    ['empty', ''],
  ])('refuses %s', (_why, shell) => {
    const error = refusal(() => assertValidShell(shell));
    expect(error.code).toBe('invalid');
    expect(error.field).toBe('shell');
  });

  it('accepts dots that are not a parent segment', () => {
    expect(() => assertValidShell('/opt/..hidden/sh')).not.toThrow();
  });
});

describe('groups', () => {
  it('accepts ordinary groups and none', () => {
    expect(() => assertValidGroups(['docker-users', 'dev', '_ops'], ROOT_EQUIVALENT_GROUPS)).not.toThrow();
    expect(() => assertValidGroups([], ROOT_EQUIVALENT_GROUPS)).not.toThrow();
  });

  it.each([
    ['an invalid name', ['dev', 'Dev']],
    ['an option-like name', ['-g']],
    ['a duplicate', ['dev', 'ops', 'dev']],
    ['the sudo group', ['sudo']],
    ['the wheel group', ['wheel']],
    ['the root group', ['root']],
    ['too many groups', Array.from({ length: MAX_GROUPS + 1 }, (_, index) => `g${index}`)],
  ])('refuses %s', (_why, groups) => {
    const error = refusal(() => assertValidGroups(groups, ROOT_EQUIVALENT_GROUPS));
    expect(error.code).toBe('invalid');
    expect(error.field).toBe('groups');
  });

  it.each(['disk', 'docker', 'lxd', 'shadow', 'adm', 'kvm', 'libvirt', 'systemd-journal'])(
    'refuses the root-equivalent group %s by default, naming it',
    (group) => {
      const error = refusal(() => assertValidGroups(['dev', group], ROOT_EQUIVALENT_GROUPS));
      expect([error.code, error.field]).toStrictEqual(['invalid', 'groups']);
      expect(error.message).toBe(
        `groups[1] ${group} is root-equivalent and cannot be granted as a plain group`,
      );
    },
  );

  it('refuses what the configured list names, and only that', () => {
    expect(refusal(() => assertValidGroups(['podman'], ['podman'])).message).toContain('podman');
    expect(() => assertValidGroups(['docker'], ['podman'])).not.toThrow();
  });

  it('accepts exactly the maximum number of groups', () => {
    expect(() =>
      assertValidGroups(
        Array.from({ length: MAX_GROUPS }, (_, index) => `g${index}`),
        ROOT_EQUIVALENT_GROUPS,
      ),
    ).not.toThrow();
  });
});

describe('full name', () => {
  it.each(['', 'Alice Smith', 'Alice Smith,Room 4,+33 1 23,', 'Zoë Ñúñez', 'x'.repeat(256)])(
    'accepts %j',
    (fullName) => expect(() => assertValidFullName(fullName)).not.toThrow(),
  );

  it.each([
    ['a colon', 'Alice:0:0'],
    ['a newline', 'Alice\nroot::0:0::/:/bin/sh'],
    ['a NUL', 'Alice\u0000'],
    ['a tab', 'Alice\tSmith'],
    ['257 characters', 'x'.repeat(257)],
  ])('refuses %s', (_why, fullName) => {
    const error = refusal(() => assertValidFullName(fullName));
    expect(error.code).toBe('invalid');
    expect(error.field).toBe('full_name');
  });
});

describe('expiry date', () => {
  it.each(['2030-12-31', '2028-02-29', '1970-01-01', '2024-02-29'])('accepts %s', (date) =>
    expect(() => assertValidExpiryDate(date)).not.toThrow(),
  );

  it.each([
    ['a day that does not exist', '2027-02-29'],
    ['month 13', '2030-13-01'],
    ['day 32', '2030-01-32'],
    ['day 0', '2030-01-00'],
    ['April 31st', '2030-04-31'],
    ['a time', '2030-01-01T00:00:00Z'],
    ['another format', '31/12/2030'],
    ['a year before shadow counts days', '1969-12-31'],
    ['empty', ''],
  ])('refuses %s', (_why, date) => {
    const error = refusal(() => assertValidExpiryDate(date));
    expect(error.code).toBe('invalid');
    expect(error.field).toBe('expires_on');
  });
});
