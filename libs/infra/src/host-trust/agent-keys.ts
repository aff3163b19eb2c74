import type { AgentPublicKeys } from '@ops/domain';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ed25519SigningKey, loadPrivateKeyPem } from './ed25519-key-source';
import { exportPublicKey } from './public-keys';
import type { Ed25519SigningKey } from './signed-payload';

/** One host agent's own keys: it signs its reports with one and opens what is sealed to the other. */
export interface AgentKeys {
  signing: Ed25519SigningKey;
  sealing: { privateKey: KeyObject; publicKey: KeyObject };
}

export function agentKeyDir(dataDir: string, hostId: string): string {
  return join(dataDir, 'host-agent', hostId);
}

/**
 * The agent's keys from `<dataDir>/host-agent/<hostId>/` (mode 0600), generated there on first use:
 * private keys never leave the host; an admin enrols the public halves (`agentPublicKeys`).
 */
export function loadOrCreateAgentKeys(dataDir: string, hostId: string): AgentKeys {
  const dir = agentKeyDir(dataDir, hostId);
  // The files are 0600 already; the folder (which also holds applied.json) is the agent's alone too.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const signingPem = loadPrivateKeyPem({ dataDir: dir, fileName: 'agent-signing-key.pem' }, 'ed25519');
  const sealingPem = loadPrivateKeyPem({ dataDir: dir, fileName: 'agent-sealing-key.pem' }, 'x25519');
  const sealing = createPrivateKey(sealingPem);
  if (sealing.asymmetricKeyType !== 'x25519') throw new Error('The agent sealing key must be an X25519 key');
  return {
    signing: ed25519SigningKey(signingPem, 'The agent signing key'),
    sealing: { privateKey: sealing, publicKey: createPublicKey(sealing) },
  };
}

export function agentPublicKeys(keys: AgentKeys): AgentPublicKeys {
  return {
    signing: exportPublicKey(keys.signing.publicKey),
    sealing: exportPublicKey(keys.sealing.publicKey),
  };
}
