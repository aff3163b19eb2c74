import {
  assertStrongPassword,
  assertValidPasswordHash,
  DomainError,
  localUserStream,
  type EncryptedSecret,
} from '@ops/domain';
import { sha512Crypt } from '@ops/infra/crypto/sha512-crypt';
import type { SecretBox } from '@ops/infra/crypto/secret-box';
import type { PasswordFieldsDto } from './dto/local-user-requests.dto';

/**
 * The only place a plain password exists: checked, hashed at once (SHA-512 crypt), and from then on
 * only the hash travels, sealed with the account's stream as context. A given hash is checked and sealed.
 */
export function sealPasswordInput(
  input: PasswordFieldsDto,
  hostId: string,
  username: string,
  box: SecretBox,
): EncryptedSecret | null {
  if (input.password !== undefined && input.password_hash !== undefined) {
    throw new DomainError('invalid', 'Give either password or password_hash, not both', 'password');
  }
  const context = localUserStream(hostId, username);
  if (input.password !== undefined) {
    assertStrongPassword(input.password, 'password', username);
    return box.seal(sha512Crypt(input.password), context);
  }
  if (input.password_hash !== undefined) {
    assertValidPasswordHash(input.password_hash);
    return box.seal(input.password_hash, context);
  }
  return null;
}
