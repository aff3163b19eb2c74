import type { EncryptedSecret } from '@ops/domain/local-users/host-command';

/** The account a secret was sealed for: the control plane binds each ciphertext to its stream. */
export interface SecretOwner {
  hostId: string;
  username: string;
}

/** Decrypts a sealed password hash; the control plane's AES-256-GCM keys live behind it. */
export type SecretOpener = (secret: EncryptedSecret, owner: SecretOwner) => string;
