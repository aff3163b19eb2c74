/**
 * A personal or secret value as events and read models carry it: AES-256-GCM under the data key of
 * one subject (a person). Destroying that data key erases the value everywhere it was copied, while
 * the events holding the ciphertext stay exactly as they were stored (crypto-shredding).
 */
export interface SealedField {
  /** Format version of this envelope. */
  readonly v: 1;
  /** Whose data key sealed it: erasing this subject makes the field unreadable. */
  readonly subject: string;
  /** Id of the subject's data key (not of the key-encryption key, which can change under rotation). */
  readonly key: string;
  /** base64url */
  readonly iv: string;
  /** base64url ciphertext */
  readonly ct: string;
  /** base64url GCM authentication tag */
  readonly tag: string;
}

/** What a read model shows in place of a personal value whose subject was erased. */
export const ERASED_TEXT = '[erased]';

export function isSealedField(value: unknown): value is SealedField {
  if (typeof value !== 'object' || value === null) return false;
  const field = value as Record<string, unknown>;
  return (
    field.v === 1 && ['subject', 'key', 'iv', 'ct', 'tag'].every((name) => typeof field[name] === 'string')
  );
}
