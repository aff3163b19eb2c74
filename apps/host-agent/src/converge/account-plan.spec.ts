import type { ShadowEntry } from '../shadow/account-files';
import {
  dayOf,
  planCreate,
  planUpdate,
  type AccountPlan,
  type AccountState,
  type AccountTarget,
} from './account-plan';

const HASH = '$6$salt$digest';

const target: AccountTarget = {
  shell: '/bin/bash',
  fullName: 'Alice',
  groups: ['users'],
  sudo: true,
  sudoGroup: 'sudo',
  passwordHash: HASH,
  locked: false,
  expireDay: null,
  expiresOn: null,
  forcePasswordChange: false,
};

const shadow: ShadowEntry = { username: 'alice', password: HASH, lastChange: 20_000, expire: null };

const state: AccountState = { shell: '/bin/bash', comment: 'Alice', groups: ['sudo', 'users'], shadow };

/** Each run as `field: tool args`, revocations then grants, as the converger runs them. */
function runs(plan: AccountPlan): string[][] {
  return [plan.revocations, plan.grants].map((steps) =>
    steps.map((step) => `${step.field}: ${step.tool} ${step.args.join(' ')}`),
  );
}

describe('account plan', () => {
  it('counts days as shadow does', () => {
    expect(dayOf('2030-01-01')).toBe(21_915);
    expect(dayOf('1970-01-02')).toBe(1);
  });

  it('creates with a useradd that names no group, so creating cannot fail on one the host lacks', () => {
    expect(planCreate('alice', { ...target, locked: true, expiresOn: '2030-01-01' })).toStrictEqual({
      tool: 'useradd',
      args: ['-m', '-s', '/bin/bash', '-c', 'Alice', '-e', '2030-01-01', 'alice'],
    });
  });

  it('then converges a fresh account field by field: groups, sudo, and the hash through chpasswd stdin', () => {
    const fresh: AccountState = {
      shell: '/bin/bash',
      comment: 'Alice',
      groups: [],
      shadow: { ...shadow, password: '!' },
    };
    const plan = planUpdate('alice', fresh, { ...target, locked: true });
    expect(runs(plan)).toStrictEqual([
      [],
      ['groups: usermod -a -G users alice', 'sudo: usermod -a -G sudo alice', 'password: chpasswd -e'],
    ]);
    expect(plan.grants[2]).toMatchObject({ input: `alice:!${HASH}\n`, secret: HASH });
  });

  it('sets a new password through chpasswd stdin, never in argv', () => {
    const plan = planUpdate('alice', state, { ...target, passwordHash: '$6$other$digest' });
    expect(plan.grants).toStrictEqual([
      {
        field: 'password',
        tool: 'chpasswd',
        args: ['-e'],
        input: 'alice:$6$other$digest\n',
        secret: '$6$other$digest',
      },
    ]);
  });

  it('plans nothing for an account already in the target state, groups in any order', () => {
    expect(runs(planUpdate('alice', state, target))).toStrictEqual([[], []]);
  });

  it('gives each field its own run, so one the host cannot take leaves the others to apply', () => {
    const plan = planUpdate(
      'alice',
      { ...state, shell: '/bin/sh', comment: 'A.', groups: [] },
      {
        ...target,
        groups: ['users', 'developers'],
      },
    );
    expect(runs(plan)).toStrictEqual([
      [],
      [
        'shell: usermod -s /bin/bash alice',
        'full_name: usermod -c Alice alice',
        'groups: usermod -a -G users,developers alice',
        'sudo: usermod -a -G sudo alice',
      ],
    ]);
  });

  it('revokes before it grants: sudo, then unwanted groups, with -G of memberships the host already has', () => {
    const plan = planUpdate(
      'alice',
      { ...state, groups: ['sudo', 'users', 'tty'] },
      { ...target, sudo: false, groups: ['users', 'developers'], locked: true },
    );
    expect(runs(plan)).toStrictEqual([
      ['locked: usermod -L alice', 'sudo: usermod -G users,tty alice', 'groups: usermod -G users alice'],
      ['groups: usermod -a -G developers alice'],
    ]);
  });

  it('drops every supplementary group with an empty -G', () => {
    expect(runs(planUpdate('alice', state, { ...target, sudo: false, groups: [] }))[0]).toStrictEqual([
      'sudo: usermod -G users alice',
      'groups: usermod -G  alice',
    ]);
  });

  it('keeps sudo while dropping other groups', () => {
    expect(runs(planUpdate('alice', state, { ...target, groups: [] }))[0]).toStrictEqual([
      'groups: usermod -G sudo alice',
    ]);
  });

  it('locks first and sets a new hash with its lock mark after, so the lock holds if chpasswd fails', () => {
    const plan = planUpdate('alice', state, { ...target, locked: true, passwordHash: '$6$other$digest' });
    expect(runs(plan)).toStrictEqual([['locked: usermod -L alice'], ['password: chpasswd -e']]);
    expect(plan.grants[0].input).toBe('alice:!$6$other$digest\n');
  });

  it('locks and unlocks without rewriting the hash', () => {
    expect(runs(planUpdate('alice', state, { ...target, locked: true }))).toStrictEqual([
      ['locked: usermod -L alice'],
      [],
    ]);
    const locked = { ...state, shadow: { ...shadow, password: `!${HASH}` } };
    expect(runs(planUpdate('alice', locked, target))).toStrictEqual([[], ['locked: usermod -U alice']]);
  });

  it('leaves the hash alone when the desired one could not be opened, and still locks', () => {
    expect(
      runs(planUpdate('alice', state, { ...target, passwordHash: undefined, locked: true })),
    ).toStrictEqual([['locked: usermod -L alice'], []]);
  });

  it('closes an empty password field, which would allow a login without password, before all else', () => {
    const empty = { ...state, shadow: { ...shadow, password: '' } };
    expect(runs(planUpdate('alice', empty, { ...target, passwordHash: null }))).toStrictEqual([
      ['password: usermod -p ! alice'],
      [],
    ]);
    expect(runs(planUpdate('alice', empty, { ...target, passwordHash: undefined }))).toStrictEqual([
      ['password: usermod -p ! alice'],
      [],
    ]);
    expect(runs(planUpdate('alice', empty, target))).toStrictEqual([
      ['password: usermod -p ! alice'],
      ['password: chpasswd -e'],
    ]);
  });

  it('forces a change after a new password, which stamps today, and keeps one in place', () => {
    const forced = { ...target, passwordHash: '$6$other$digest', forcePasswordChange: true };
    expect(planUpdate('alice', state, forced).grants.map((step) => step.field)).toStrictEqual([
      'password',
      'force_password_change',
    ]);
    const alreadyForced = { ...state, shadow: { ...shadow, lastChange: 0 } };
    expect(runs(planUpdate('alice', alreadyForced, { ...target, forcePasswordChange: true }))).toStrictEqual([
      [],
      [],
    ]);
    expect(runs(planUpdate('alice', alreadyForced, target))).toStrictEqual([[], []]);
  });

  it('counts an earlier expiry as a revocation and a later or cleared one as a grant', () => {
    const expiring = { ...state, shadow: { ...shadow, expire: 21_915 } };
    expect(runs(planUpdate('alice', expiring, target))).toStrictEqual([[], ['expiry: usermod -e  alice']]);
    const sooner = { ...target, expireDay: dayOf('2027-07-01'), expiresOn: '2027-07-01' };
    expect(runs(planUpdate('alice', expiring, sooner))[0]).toStrictEqual([
      'expiry: usermod -e 2027-07-01 alice',
    ]);
    expect(runs(planUpdate('alice', state, sooner))[0]).toStrictEqual([
      'expiry: usermod -e 2027-07-01 alice',
    ]);
  });
});
