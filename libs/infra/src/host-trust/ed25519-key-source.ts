import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadOrCreateSecretFile } from '../crypto/secret-file';
import { keyIdOf } from '../crypto/key-id';
import type { TrustKeyType } from './public-keys';
import type { Ed25519SigningKey } from './signed-payload';

/** A new private key of `type` as PEM (PKCS#8), the form every key file here holds. */
export function generatePrivateKeyPem(type: TrustKeyType): string {
  const { privateKey } = type === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('x25519');
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/**
 * A private key from PEM text (`\n` may be escaped, as environment variables carry it), else from a
 * file, else generated once into `<dataDir>/<fileName>` (mode 0600), refusing any other kind of key.
 */
export function loadPrivateKeyPem(
  source: { pem?: string; file?: string; dataDir: string; fileName: string },
  type: TrustKeyType,
): string {
  return (
    source.pem?.replace(/\\n/g, '\n') ??
    (source.file
      ? readFileSync(source.file, 'utf8')
      : loadOrCreateSecretFile(source.dataDir, source.fileName, () => generatePrivateKeyPem(type)))
  );
}

export function ed25519SigningKey(pem: string, what: string): Ed25519SigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${what} must be an Ed25519 private key`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}
