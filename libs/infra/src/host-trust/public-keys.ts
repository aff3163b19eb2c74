import { createPublicKey, type KeyObject } from 'node:crypto';

export type TrustKeyType = 'ed25519' | 'x25519';

/** One line an admin can copy: base64 of the SPKI DER (what POST /api/v1/hosts takes). */
export function exportPublicKey(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'der' }).toString('base64');
}

/** A public key from `exportPublicKey`'s text, refusing any other kind of key than `type`. */
export function importPublicKey(text: string, type: TrustKeyType): KeyObject {
  const key = createPublicKey({ key: Buffer.from(text.trim(), 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== type) throw new Error(`The public key is not an ${type} key`);
  return key;
}

/** A comma-separated list of `exportPublicKey` texts (a key ring: rotation adds one, then drops the old). */
export function importPublicKeyList(text: string, type: TrustKeyType): KeyObject[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => importPublicKey(item, type));
}
