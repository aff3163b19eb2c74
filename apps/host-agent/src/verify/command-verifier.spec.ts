import { parseSshKey, type DesiredPresentUser, type HostCommand } from '@ops/domain';
import { opensshPublicKey } from '@ops/domain/local-users/testing';
import { ed25519SigningKey, generatePrivateKeyPem } from '@ops/infra/host-trust/ed25519-key-source';
import { signHostCommand } from '@ops/infra/host-trust/host-command-signature';
import { HostCommandVerifier } from './command-verifier';

const key = ed25519SigningKey(generatePrivateKeyPem('ed25519'), 'test');
const verifier = new HostCommandVerifier({
  hostId: 'web-1',
  trustedKeys: [key.publicKey],
  protection: { configured: ['backup'], systemAccounts: [] },
});
const nothingApplied = { isOlderThanApplied: () => false };
const desired: DesiredPresentUser = {
  present: true,
  shell: '/bin/bash',
  fullName: 'Alice',
  groups: ['users'],
  sudo: false,
  passwordHash: null,
  locked: false,
  expiresOn: null,
  forcePasswordChange: false,
  sshKeys: [],
};
const signed = (overrides: Partial<HostCommand> = {}, state: unknown = desired): HostCommand =>
  signHostCommand(
    {
      commandId: 'c-1',
      hostId: 'web-1',
      username: 'alice',
      revision: '2',
      desired: state as DesiredPresentUser,
      ...overrides,
    },
    key,
  );

const twice = sshKey();

describe('HostCommandVerifier', () => {
  it('lets a sound command signed for this host through', () => {
    expect(verifier.check(signed(), nothingApplied).refusal).toBeNull();
    expect(
      verifier.check(signed({}, { present: false, removeHome: true }), nothingApplied).refusal,
    ).toBeNull();
  });

  it('leaves a root-equivalent group to the converger, which refuses it as one field of the command', () => {
    const docker = signed({}, { ...desired, groups: ['docker'], sudo: false, locked: true });
    expect(verifier.check(docker, nothingApplied).refusal).toBeNull();
    expect(verifier.check(signed({}, { ...desired, groups: ['sudo'] }), nothingApplied).refusal).toContain(
      'groups',
    );
  });

  it('refuses to be built without a trusted key: deny by default', () => {
    expect(
      () =>
        new HostCommandVerifier({
          hostId: 'web-1',
          trustedKeys: [],
          protection: { configured: [], systemAccounts: [] },
        }),
    ).toThrow();
  });

  it('refuses a revision older than the one applied, checked only once the signature holds', () => {
    const replayed = {
      isOlderThanApplied: (username: string, revision: string) => username === 'alice' && revision === '2',
    };
    expect(verifier.check(signed(), replayed).refusal).toContain('replay');
    expect(verifier.check({ ...signed(), signature: undefined }, replayed).refusal).toContain('not signed');
  });

  it.each([
    ['a configured protected account', signed({ username: 'backup' }), 'protected'],
    [
      'a protected account to delete',
      signed({ username: 'root' }, { present: false, removeHome: true }),
      'protected',
    ],
    ['a malformed revision', signed({ revision: '1e3' }), 'revision'],
    ['a sudo flag that is not a boolean', signed({}, { ...desired, sudo: 'yes' }), 'true or false'],
    ['groups that are not a list', signed({}, { ...desired, groups: 'docker' }), 'malformed'],
    ['an impossible expiry date', signed({}, { ...desired, expiresOn: '2026-02-30' }), 'expires_on'],
    ['the same key twice', signed({}, { ...desired, sshKeys: [twice, twice] }), 'twice'],
  ])('refuses %s even when validly signed', (_, command, reason) => {
    expect(verifier.check(command, nothingApplied).refusal).toContain(reason);
  });
});

function sshKey(): { line: string; fingerprint: string } {
  const line = opensshPublicKey('ed25519');
  return { line, fingerprint: parseSshKey(line).fingerprint };
}
