import type { HostCommand } from '@ops/domain';
import { createHash, type KeyObject } from 'node:crypto';
import type { NodeConfig } from '../runtime/node-config';
import type { HostTrustConfig } from './host-trust-config';
import { canonicalJson } from '../event-store/integrity/canonical-json';
import { ed25519SigningKey, loadPrivateKeyPem } from './ed25519-key-source';
import { importPublicKeyList } from './public-keys';
import { signCanonical, verifyCanonical, type Ed25519SigningKey } from './signed-payload';

const PURPOSE = 'ops-center host command v1';
export const LOCAL_HOST_COMMAND_SIGNING_KEY_FILE = 'host-command-signing-key.pem';

/**
 * What the signature binds: which account on which host, at which revision, and the whole desired
 * state through its hash, so not one field of it can change on the way.
 */
function signedFields(command: HostCommand): Record<string, string> {
  return {
    commandId: command.commandId,
    hostId: command.hostId,
    username: command.username,
    revision: command.revision,
    desiredSha256: createHash('sha256').update(canonicalJson(command.desired)).digest('hex'),
  };
}

export function signHostCommand(command: HostCommand, key: Ed25519SigningKey): HostCommand {
  const { signature: _previous, ...unsigned } = command;
  return { ...unsigned, signature: signCanonical(PURPOSE, signedFields(unsigned), key) };
}

export function verifyHostCommandSignature(command: HostCommand, keys: readonly KeyObject[]): boolean {
  return verifyCanonical(PURPOSE, signedFields(command), command.signature, keys);
}

/**
 * HOST_COMMAND_SIGNING_KEY (PEM), else HOST_COMMAND_SIGNING_KEY_FILE, else a key generated once in
 * DATA_DIR: the control plane's key, whose public half every agent trusts.
 */
export function loadHostCommandSigningKey(
  config: Pick<HostTrustConfig, 'HOST_COMMAND_SIGNING_KEY' | 'HOST_COMMAND_SIGNING_KEY_FILE'> &
    Pick<NodeConfig, 'DATA_DIR'>,
): Ed25519SigningKey {
  const pem = loadPrivateKeyPem(
    {
      pem: config.HOST_COMMAND_SIGNING_KEY,
      file: config.HOST_COMMAND_SIGNING_KEY_FILE,
      dataDir: config.DATA_DIR,
      fileName: LOCAL_HOST_COMMAND_SIGNING_KEY_FILE,
    },
    'ed25519',
  );
  return ed25519SigningKey(pem, 'The host command signing key (HOST_COMMAND_SIGNING_KEY / _FILE)');
}

/** The keys an agent accepts commands from (HOST_COMMAND_PUBLIC_KEYS), none when unset. */
export function hostCommandPublicKeys(
  config: Pick<HostTrustConfig, 'HOST_COMMAND_PUBLIC_KEYS'>,
): KeyObject[] {
  return config.HOST_COMMAND_PUBLIC_KEYS
    ? importPublicKeyList(config.HOST_COMMAND_PUBLIC_KEYS, 'ed25519')
    : [];
}
