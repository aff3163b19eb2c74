import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AppConfig } from '../../config/app-config';
import { loadOrCreateSecretFile } from '../../crypto/secret-file';

export const LOCAL_AUDIT_SIGNING_KEY_FILE = 'audit-signing-key.pem';

/** The Ed25519 key pair that signs stream-head digests; `keyId` names the public half. */
export interface AuditSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  keyId: string;
}

/** A short, stable name of a public key: SHA-256 of its SPKI DER, first 32 hex digits. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 32);
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
  config: Pick<AppConfig, 'AUDIT_SIGNING_KEY' | 'AUDIT_SIGNING_KEY_FILE' | 'DATA_DIR'>,
): AuditSigningKey {
  const pem =
    config.AUDIT_SIGNING_KEY?.replace(/\\n/g, '\n') ??
    (config.AUDIT_SIGNING_KEY_FILE
      ? readFileSync(config.AUDIT_SIGNING_KEY_FILE, 'utf8')
      : loadOrCreateSecretFile(config.DATA_DIR, LOCAL_AUDIT_SIGNING_KEY_FILE, () =>
          generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        ));
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(
      'The audit signing key (AUDIT_SIGNING_KEY / AUDIT_SIGNING_KEY_FILE) must be an Ed25519 private key',
    );
  }
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
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
  config: Pick<AppConfig, 'AUDIT_PUBLIC_KEY' | 'AUDIT_PUBLIC_KEY_FILE'>,
  signingKey: () => AuditSigningKey,
): TrustedKey {
  if (config.AUDIT_PUBLIC_KEY) return trustedKeyFromPem(config.AUDIT_PUBLIC_KEY);
  if (config.AUDIT_PUBLIC_KEY_FILE)
    return trustedKeyFromPem(readFileSync(config.AUDIT_PUBLIC_KEY_FILE, 'utf8'));
  const { publicKey, keyId } = signingKey();
  return { publicKey, keyId, pinned: false };
}
