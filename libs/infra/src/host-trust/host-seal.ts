import type { EncryptedSecret } from '@ops/domain';
import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { canonicalJson } from '../event-store/integrity/canonical-json';
import { keyIdOf } from '../crypto/key-id';

/** The SPKI DER of an X25519 key is this header followed by the 32 raw bytes (RFC 8410). */
const X25519_SPKI_HEADER = Buffer.from('302a300506032b656e032100', 'hex');
const RAW_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const INFO = Buffer.from('ops-center host seal v1', 'utf8');
/** Marks a secret sealed to a host's key, apart from the platform's SecretBox key ids. */
const KEY_ID_PREFIX = 'host-x25519:';

/** The account a secret is sealed for; bound as associated data so it cannot be moved to another. */
export interface SealOwner {
  hostId: string;
  username: string;
}

function rawKey(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' }).subarray(-RAW_KEY_BYTES);
}

function aeadKey(shared: Buffer, ephemeral: Buffer, recipient: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([ephemeral, recipient]), INFO, 32));
}

function associatedData(owner: SealOwner): Buffer {
  return Buffer.from(canonicalJson({ hostId: owner.hostId, username: owner.username }), 'utf8');
}

/**
 * Seals `plain` so that only the holder of `recipient`'s private key can open it: an ephemeral X25519
 * key agreement, HKDF-SHA256 over the shared secret (salted with both public keys), AES-256-GCM
 * with the host id and username as associated data. `sealed` is ephemeral key ‖ iv ‖ ciphertext ‖ tag.
 */
export function sealForHost(plain: string, recipient: KeyObject, owner: SealOwner): EncryptedSecret {
  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralRaw = rawKey(ephemeral.publicKey);
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient });
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', aeadKey(shared, ephemeralRaw, rawKey(recipient)), iv);
  cipher.setAAD(associatedData(owner));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return {
    keyId: `${KEY_ID_PREFIX}${keyIdOf(recipient)}`,
    sealed: Buffer.concat([ephemeralRaw, iv, body, cipher.getAuthTag()]).toString('base64url'),
  };
}

/** Opens what `sealForHost` sealed to this host's key; throws on any other key, owner or tampering. */
export function openForHost(secret: EncryptedSecret, privateKey: KeyObject, owner: SealOwner): string {
  const publicKey = createPublicKey(privateKey);
  if (secret.keyId !== `${KEY_ID_PREFIX}${keyIdOf(publicKey)}`) {
    throw new Error(`the secret is sealed to another key (${secret.keyId})`);
  }
  const raw = Buffer.from(secret.sealed, 'base64url');
  if (raw.length < RAW_KEY_BYTES + IV_BYTES + TAG_BYTES) throw new Error('sealed secret is truncated');
  const ephemeralRaw = raw.subarray(0, RAW_KEY_BYTES);
  const ephemeral = createPublicKey({
    key: Buffer.concat([X25519_SPKI_HEADER, ephemeralRaw]),
    format: 'der',
    type: 'spki',
  });
  const shared = diffieHellman({ privateKey, publicKey: ephemeral });
  const iv = raw.subarray(RAW_KEY_BYTES, RAW_KEY_BYTES + IV_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', aeadKey(shared, ephemeralRaw, rawKey(publicKey)), iv);
  decipher.setAAD(associatedData(owner));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  return Buffer.concat([
    decipher.update(raw.subarray(RAW_KEY_BYTES + IV_BYTES, raw.length - TAG_BYTES)),
    decipher.final(),
  ]).toString('utf8');
}
