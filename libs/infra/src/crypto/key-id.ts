import { createHash, type KeyObject } from 'node:crypto';

/** A short, stable name of a public key: SHA-256 of its SPKI DER, first 32 hex digits. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 32);
}
