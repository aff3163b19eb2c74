import type { HostCommand } from '@ops/domain';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config/app-config';
import { agentPublicKeys, loadOrCreateAgentKeys } from './agent-keys';
import { ed25519SigningKey, generatePrivateKeyPem } from './ed25519-key-source';
import { hostCommandPublicKeys, signHostCommand, verifyHostCommandSignature } from './host-command-signature';
import { signHostReport, verifyHostReport } from './host-report-signature';
import { openForHost, sealForHost } from './host-seal';
import { importPublicKey, importPublicKeyList } from './public-keys';

const signer = (): ReturnType<typeof ed25519SigningKey> =>
  ed25519SigningKey(generatePrivateKeyPem('ed25519'), 'test key');

const command: HostCommand = {
  commandId: 'c-1',
  hostId: 'web-1',
  username: 'alice',
  revision: '3',
  desired: {
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
  },
};

describe('host trust crypto', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'host-trust-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('host command signatures', () => {
    const key = signer();
    const signed = signHostCommand(command, key);

    it('verify under the signing key, and under a list that holds it among others', () => {
      expect(verifyHostCommandSignature(signed, [key.publicKey])).toBe(true);
      expect(verifyHostCommandSignature(signed, [signer().publicKey, key.publicKey])).toBe(true);
    });

    it('do not verify under another key, or without a signature', () => {
      expect(verifyHostCommandSignature(signed, [signer().publicKey])).toBe(false);
      expect(verifyHostCommandSignature(command, [key.publicKey])).toBe(false);
      expect(
        verifyHostCommandSignature({ ...signed, signature: { keyId: key.keyId, value: '' } }, [
          key.publicKey,
        ]),
      ).toBe(false);
    });

    it('bind the host, the account, the revision and every field of the desired state', () => {
      const desired = signed.desired.present ? signed.desired : null;
      for (const tampered of [
        { ...signed, hostId: 'web-2' },
        { ...signed, username: 'bob' },
        { ...signed, revision: '4' },
        { ...signed, commandId: 'c-2' },
        { ...signed, desired: { ...desired!, sudo: true } },
        { ...signed, desired: { ...desired!, groups: ['users', 'docker'] } },
      ]) {
        expect(verifyHostCommandSignature(tampered as HostCommand, [key.publicKey])).toBe(false);
      }
    });

    it('do not depend on the order the desired state was built in', () => {
      const reordered = { ...signed, desired: Object.fromEntries(Object.entries(signed.desired).reverse()) };
      expect(verifyHostCommandSignature(reordered as HostCommand, [key.publicKey])).toBe(true);
    });
  });

  describe('host report signatures', () => {
    const key = signer();
    const report = {
      kind: 'outcome' as const,
      commandId: 'c-1',
      hostId: 'web-1',
      username: 'alice',
      revision: '3',
      status: 'applied' as const,
    };

    it('give back the report only when the host key signed it as it is', () => {
      const signed = signHostReport(report, key);
      expect(verifyHostReport(signed, [key.publicKey])).toEqual(report);
      expect(verifyHostReport(signed, [signer().publicKey])).toBeNull();
      expect(verifyHostReport({ ...signed, hostId: 'web-2' }, [key.publicKey])).toBeNull();
    });

    it('cannot be passed off as a command signature made with the same key', () => {
      const signedCommand = signHostCommand(command, key);
      expect(
        verifyHostReport({ ...report, signature: signedCommand.signature! }, [key.publicKey]),
      ).toBeNull();
    });
  });

  describe('hashes sealed to a host', () => {
    const hostA = loadOrCreateAgentKeys(join(tmpdir(), `seal-a-${process.pid}`), 'a');
    const hostB = loadOrCreateAgentKeys(join(tmpdir(), `seal-b-${process.pid}`), 'b');
    const owner = { hostId: 'a', username: 'alice' };
    const hash = '$6$salt$hash';

    afterAll(() => {
      for (const name of ['a', 'b'])
        rmSync(join(tmpdir(), `seal-${name}-${process.pid}`), { recursive: true, force: true });
    });

    it('open with the target host key, for the account it was sealed for', () => {
      const sealed = sealForHost(hash, hostA.sealing.publicKey, owner);
      expect(sealed.sealed).not.toContain('hash');
      expect(openForHost(sealed, hostA.sealing.privateKey, owner)).toBe(hash);
    });

    it('cannot be opened with host B key, even when relabelled for B', () => {
      const sealed = sealForHost(hash, hostA.sealing.publicKey, owner);
      expect(() => openForHost(sealed, hostB.sealing.privateKey, owner)).toThrow();
      const relabelled = { ...sealed, keyId: sealForHost(hash, hostB.sealing.publicKey, owner).keyId };
      expect(() => openForHost(relabelled, hostB.sealing.privateKey, owner)).toThrow();
    });

    it('cannot be moved to another account or host', () => {
      const sealed = sealForHost(hash, hostA.sealing.publicKey, owner);
      expect(() => openForHost(sealed, hostA.sealing.privateKey, { ...owner, username: 'bob' })).toThrow();
      expect(() => openForHost(sealed, hostA.sealing.privateKey, { ...owner, hostId: 'b' })).toThrow();
    });

    it('refuses a tampered or truncated ciphertext', () => {
      const sealed = sealForHost(hash, hostA.sealing.publicKey, owner);
      const raw = Buffer.from(sealed.sealed, 'base64url');
      raw[raw.length - 20] ^= 1;
      expect(() =>
        openForHost({ ...sealed, sealed: raw.toString('base64url') }, hostA.sealing.privateKey, owner),
      ).toThrow();
      expect(() => openForHost({ ...sealed, sealed: 'AAAA' }, hostA.sealing.privateKey, owner)).toThrow();
    });
  });

  describe('agent keys', () => {
    it('are generated once under DATA_DIR/host-agent/<host>, private to the owner, and the same on reload', () => {
      const first = loadOrCreateAgentKeys(dir, 'web-1');
      const again = loadOrCreateAgentKeys(dir, 'web-1');
      expect(agentPublicKeys(again)).toEqual(agentPublicKeys(first));
      expect(statSync(join(dir, 'host-agent', 'web-1')).mode & 0o777).toBe(0o700);
      for (const file of ['agent-signing-key.pem', 'agent-sealing-key.pem']) {
        expect(statSync(join(dir, 'host-agent', 'web-1', file)).mode & 0o777).toBe(0o600);
      }
      expect(agentPublicKeys(loadOrCreateAgentKeys(dir, 'web-2'))).not.toEqual(agentPublicKeys(first));
    });

    it('print as one-line public keys that import back as the right kind only', () => {
      const keys = agentPublicKeys(loadOrCreateAgentKeys(dir, 'web-1'));
      expect(importPublicKey(keys.signing, 'ed25519').asymmetricKeyType).toBe('ed25519');
      expect(importPublicKey(keys.sealing, 'x25519').asymmetricKeyType).toBe('x25519');
      expect(() => importPublicKey(keys.sealing, 'ed25519')).toThrow();
      expect(importPublicKeyList(` ${keys.signing} ,${keys.signing}`, 'ed25519')).toHaveLength(2);
    });
  });

  describe('HOST_COMMAND_PUBLIC_KEYS', () => {
    it('takes a list of Ed25519 keys, so the control-plane key can rotate, and nothing else', () => {
      const keys = agentPublicKeys(loadOrCreateAgentKeys(dir, 'web-1'));
      const other = agentPublicKeys(loadOrCreateAgentKeys(dir, 'web-2'));
      const config = loadConfig({ HOST_COMMAND_PUBLIC_KEYS: `${keys.signing}, ${other.signing}` });
      expect(hostCommandPublicKeys(config)).toHaveLength(2);
      expect(() => loadConfig({ HOST_COMMAND_PUBLIC_KEYS: keys.sealing })).toThrow(ConfigError);
      expect(() => loadConfig({ HOST_COMMAND_PUBLIC_KEYS: `${keys.signing};rm -rf /` })).toThrow(ConfigError);
    });
  });
});
