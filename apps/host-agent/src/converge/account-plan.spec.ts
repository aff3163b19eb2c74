import type { ShadowEntry } from '../shadow/account-files';
import { dayOf, planCreate, planUpdate, type AccountState, type AccountTarget } from './account-plan';

const HASH = '$6$salt$digest';

const target: AccountTarget = {
  shell: '/bin/bash',
  fullName: 'Alice',
  groups: ['users', 'sudo'],
  passwordHash: HASH,
  locked: false,
  expireDay: null,
  expiresOn: null,
  forcePasswordChange: false,
};

const shadow: ShadowEntry = { username: 'alice', password: HASH, lastChange: 20_000, expire: null };

const state: AccountState = { shell: '/bin/bash', comment: 'Alice', groups: ['sudo', 'users'], shadow };

describe('account plan', () => {
  it('counts days as shadow does', () => {
    expect(dayOf('2030-01-01')).toBe(21_915);
    expect(dayOf('1970-01-02')).toBe(1);
  });

  it('creates with useradd, then sets the hash through chpasswd stdin, never in argv', () => {
    expect(planCreate('alice', { ...target, locked: true, expiresOn: '2030-01-01' })).toStrictEqual([
      {
        tool: 'useradd',
        args: ['-m', '-s', '/bin/bash', '-c', 'Alice', '-G', 'users,sudo', '-e', '2030-01-01', 'alice'],
      },
      { tool: 'chpasswd', args: ['-e'], input: `alice:!${HASH}\n`, secret: HASH },
    ]);
    expect(planCreate('alice', { ...target, passwordHash: null })).toHaveLength(1);
  });

  it('sets a new password through chpasswd stdin, never in argv', () => {
    const steps = planUpdate('alice', state, { ...target, passwordHash: '$6$other$digest' });
    expect(steps).toStrictEqual([
      { tool: 'chpasswd', args: ['-e'], input: 'alice:$6$other$digest\n', secret: '$6$other$digest' },
    ]);
  });

  it('plans nothing for an account already in the target state, groups in any order', () => {
    expect(planUpdate('alice', state, target)).toStrictEqual([]);
  });

  it('passes only the options that differ, in one usermod run', () => {
    const steps = planUpdate('alice', { ...state, shell: '/bin/sh', groups: ['users'] }, target);
    expect(steps).toStrictEqual([
      { tool: 'usermod', args: ['-s', '/bin/bash', '-G', 'users,sudo', 'alice'] },
    ]);
  });

  it('locks and unlocks without rewriting the hash', () => {
    expect(planUpdate('alice', state, { ...target, locked: true })[0].args).toStrictEqual(['-L', 'alice']);
    const locked = { ...state, shadow: { ...shadow, password: `!${HASH}` } };
    expect(planUpdate('alice', locked, target)[0].args).toStrictEqual(['-U', 'alice']);
  });

  it('replaces an empty password field, which would allow a login without password', () => {
    const empty = { ...state, shadow: { ...shadow, password: '' } };
    expect(planUpdate('alice', empty, { ...target, passwordHash: null })[0].args).toStrictEqual([
      '-p',
      '!',
      'alice',
    ]);
  });

  it('forces a change after a new password, which stamps today, and keeps one in place', () => {
    const forced = { ...target, passwordHash: '$6$other$digest', forcePasswordChange: true };
    expect(planUpdate('alice', state, forced).map((step) => step.tool)).toStrictEqual(['chpasswd', 'chage']);
    const alreadyForced = { ...state, shadow: { ...shadow, lastChange: 0 } };
    expect(planUpdate('alice', alreadyForced, { ...target, forcePasswordChange: true })).toStrictEqual([]);
    expect(planUpdate('alice', alreadyForced, target)).toStrictEqual([]);
  });

  it('clears an expiry with an empty date', () => {
    const expiring = { ...state, shadow: { ...shadow, expire: 21_915 } };
    expect(planUpdate('alice', expiring, target)[0].args).toStrictEqual(['-e', '', 'alice']);
  });
});
