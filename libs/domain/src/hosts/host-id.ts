import { DomainError } from '../shared/domain-error';

/** A DNS-label-like id: it ends up in stream names and Kafka keys, so no `/`, no uppercase, no spaces. */
export const HOST_ID_PATTERN = /^[a-z0-9][a-z0-9.-]{0,62}$/;
export const HOST_ID_RULE =
  "1-63 characters of lowercase letters, digits, '.' or '-', starting with a letter or digit";

export function isValidHostId(hostId: string): boolean {
  return HOST_ID_PATTERN.test(hostId);
}

export function assertValidHostId(hostId: string, field = 'host_id'): void {
  if (!isValidHostId(hostId)) {
    throw new DomainError('invalid', `${field} must be ${HOST_ID_RULE}`, field);
  }
}
