import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

const key = (id: string) => ({ id, key: randomBytes(32) });

describe('SecretBox', () => {
  it('opens what it sealed, and the ciphertext does not contain the secret', () => {
    const box = new SecretBox([key('k1')]);
    const sealed = box.seal('$6$salt$hash', 'local-user-local/alice');
    expect(sealed.keyId).toBe('k1');
    expect(Buffer.from(sealed.sealed, 'base64url').toString('latin1')).not.toContain('$6$salt$hash');
    expect(box.open(sealed, 'local-user-local/alice')).toBe('$6$salt$hash');
  });

  it('refuses a ciphertext moved to another record or tampered with', () => {
    const box = new SecretBox([key('k1')]);
    const sealed = box.seal('secret', 'local-user-local/alice');
    expect(() => box.open(sealed, 'local-user-local/bob')).toThrow();
    const bytes = Buffer.from(sealed.sealed, 'base64url');
    bytes[14] ^= 1;
    expect(() =>
      box.open({ ...sealed, sealed: bytes.toString('base64url') }, 'local-user-local/alice'),
    ).toThrow();
  });

  it('seals with the first key and still opens what older keys sealed (rotation)', () => {
    const old = key('old');
    const sealedBefore = new SecretBox([old]).seal('kept', 'ctx');
    const rotated = new SecretBox([key('new'), old]);
    expect(rotated.seal('fresh', 'ctx').keyId).toBe('new');
    expect(rotated.open(sealedBefore, 'ctx')).toBe('kept');
    expect(() => new SecretBox([key('new')]).open(sealedBefore, 'ctx')).toThrow(/no secret key with id old/);
  });
});
