import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { NodeConfig } from '../../runtime/node-config';
import type { IntegrityConfig } from './integrity-config';
import { keyIdOf } from '../../crypto/key-id';
import { ed25519SigningKey, loadPrivateKeyPem } from '../../host-trust/ed25519-key-source';

export const LOCAL_AUDIT_SIGNING_KEY_FILE = 'audit-signing-key.pem';

/** The Ed25519 key pair that signs stream-head digests; `keyId` names the public half. */
export interface AuditSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  keyId: string;
}

/** An Ed25519 public key from PEM (SPKI), refusing any other kind of key. */
export function parsePublicKey(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('The public key is not an Ed25519 key');
  return key;
}

/**
 * AUDIT_SIGNING_KEY (PEM, PKCS#8; `\n` may be written escaped in an environment variable), else the
 * file AUDIT_SIGNING_KEY_FILE, else a key generated once into DATA_DIR (mode 0600). Every process
 * that signs or verifies must see the same key: set one of the two when processes do not share
 * DATA_DIR.
 */
export function loadAuditSigningKey(
  config: Pick<IntegrityConfig, 'AUDIT_SIGNING_KEY' | 'AUDIT_SIGNING_KEY_FILE'> &
    Pick<NodeConfig, 'DATA_DIR'>,
): AuditSigningKey {
  const pem = loadPrivateKeyPem(
    {
      pem: config.AUDIT_SIGNING_KEY,
      file: config.AUDIT_SIGNING_KEY_FILE,
      dataDir: config.DATA_DIR,
      fileName: LOCAL_AUDIT_SIGNING_KEY_FILE,
    },
    'ed25519',
  );
  const key = ed25519SigningKey(pem, 'The audit signing key (AUDIT_SIGNING_KEY / AUDIT_SIGNING_KEY_FILE)');
  return { ...key, publicKeyPem: key.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** The public key digests are verified with, and whether it was configured apart from the signing key. */
export interface TrustedKey {
  publicKey: KeyObject;
  keyId: string;
  /** False when it is only the signing key's own half, which whoever replaces that key replaces too. */
  pinned: boolean;
}

/** A pinned public key, from its PEM. */
export function trustedKeyFromPem(pem: string): TrustedKey {
  const publicKey = parsePublicKey(pem.replace(/\\n/g, '\n'));
  return { publicKey, keyId: keyIdOf(publicKey), pinned: true };
}

/**
 * AUDIT_PUBLIC_KEY, else the file AUDIT_PUBLIC_KEY_FILE, else the signing key's public half (not
 * pinned: loaded only then, so a verifier with a pinned key never needs the private one).
 */
export function loadTrustedKey(
  config: Pick<IntegrityConfig, 'AUDIT_PUBLIC_KEY' | 'AUDIT_PUBLIC_KEY_FILE'>,
  signingKey: () => AuditSigningKey,
): TrustedKey {
  if (config.AUDIT_PUBLIC_KEY) return trustedKeyFromPem(config.AUDIT_PUBLIC_KEY);
  if (config.AUDIT_PUBLIC_KEY_FILE)
    return trustedKeyFromPem(readFileSync(config.AUDIT_PUBLIC_KEY_FILE, 'utf8'));
  const { publicKey, keyId } = signingKey();
  return { publicKey, keyId, pinned: false };
}
