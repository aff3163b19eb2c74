import type { TrustSignature } from '@ops/domain';
import { sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../event-store/integrity/canonical-json';
import { keyIdOf } from '../crypto/key-id';

/** An Ed25519 private key and the id of its public half. */
export interface Ed25519SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

/**
 * The signed bytes name what they are (`purpose`) before the canonical JSON of the value, so a
 * signature made for one kind of message can never be passed off as another kind.
 */
function signedBytes(purpose: string, value: unknown): Buffer {
  return Buffer.from(`${purpose}\n${canonicalJson(value)}`, 'utf8');
}

export function signCanonical(purpose: string, value: unknown, key: Ed25519SigningKey): TrustSignature {
  return {
    keyId: key.keyId,
    value: sign(null, signedBytes(purpose, value), key.privateKey).toString('base64url'),
  };
}

/** True only when `signature` is well formed and made by one of `keys` over exactly this value. */
export function verifyCanonical(
  purpose: string,
  value: unknown,
  signature: unknown,
  keys: readonly KeyObject[],
): boolean {
  if (typeof signature !== 'object' || signature === null) return false;
  const { keyId, value: encoded } = signature as Partial<TrustSignature>;
  if (typeof keyId !== 'string' || typeof encoded !== 'string') return false;
  const key = keys.find((candidate) => keyIdOf(candidate) === keyId);
  if (!key) return false;
  try {
    return verify(null, signedBytes(purpose, value), key, Buffer.from(encoded, 'base64url'));
  } catch {
    return false;
  }
}
