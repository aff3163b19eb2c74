import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptedSecret } from '@ops/domain';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export interface SecretKey {
  id: string;
  key: Buffer;
}

/**
 * AES-256-GCM for secrets kept in events and read models (password hashes today). Every ciphertext
 * names the key that sealed it, so new secrets use the current key while older ones stay readable
 * until re-sealed: rotation is adding a key in front.
 */
export class SecretBox {
  private readonly keys: Map<string, Buffer>;

  constructor(private readonly ring: readonly SecretKey[]) {
    if (ring.length === 0) throw new Error('SecretBox needs at least one key');
    for (const { id, key } of ring) {
      if (key.length !== KEY_BYTES) throw new Error(`secret key ${id} must be ${KEY_BYTES} bytes`);
    }
    this.keys = new Map(ring.map(({ id, key }) => [id, key]));
  }

  /** `context` (e.g. the stream name) is authenticated, so a ciphertext cannot be moved to another record. */
  seal(plain: string, context: string): EncryptedSecret {
    const { id, key } = this.ring[0];
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return { keyId: id, sealed: Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url') };
  }

  open(secret: EncryptedSecret, context: string): string {
    const key = this.keys.get(secret.keyId);
    if (!key) throw new Error(`no secret key with id ${secret.keyId} (was it rotated out?)`);
    const raw = Buffer.from(secret.sealed, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('sealed secret is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  }
}
