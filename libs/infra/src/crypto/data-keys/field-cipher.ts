import type { SealedField } from '@ops/domain/privacy';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface DataKey {
  id: string;
  key: Buffer;
}

/** The subject and the data key's id are authenticated with the caller's context. */
function additionalData(subject: string, keyId: string, aad: string): Buffer {
  return Buffer.from(`v1\n${subject}\n${keyId}\n${aad}`, 'utf8');
}

export function sealField(dataKey: DataKey, subject: string, plaintext: string, aad: string): SealedField {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', dataKey.key, iv);
  cipher.setAAD(additionalData(subject, dataKey.id, aad));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    v: 1,
    subject,
    key: dataKey.id,
    iv: iv.toString('base64url'),
    ct: ct.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
  };
}

/** Throws when the field was tampered with, moved to another record (aad) or sealed by another key. */
export function openField(dataKey: DataKey, sealed: SealedField, aad: string): string {
  if (sealed.key !== dataKey.id) {
    throw new Error(
      `field was sealed with data key ${sealed.key}, not ${sealed.subject}'s key ${dataKey.id}`,
    );
  }
  const decipher = createDecipheriv('aes-256-gcm', dataKey.key, Buffer.from(sealed.iv, 'base64url'));
  decipher.setAAD(additionalData(sealed.subject, sealed.key, aad));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64url')), decipher.final()]).toString(
    'utf8',
  );
}
