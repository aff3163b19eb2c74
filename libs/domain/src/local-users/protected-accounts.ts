import { DomainError } from '../shared/domain-error';

/** Accounts the platform must never touch on one host. */
export interface AccountProtection {
  /** Names the operator protects by configuration (service accounts, break-glass admins). */
  readonly configured: readonly string[];
  /** System accounts the host's inventory reports (see `systemAccounts` in hosts). */
  readonly systemAccounts: readonly string[];
}

/** Protected even when the inventory has not arrived yet and the configuration forgets it. */
export const ALWAYS_PROTECTED: readonly string[] = ['root'];

export function isProtectedAccount(username: string, protection: AccountProtection): boolean {
  return (
    ALWAYS_PROTECTED.includes(username) ||
    protection.configured.includes(username) ||
    protection.systemAccounts.includes(username)
  );
}

export function assertNotProtected(username: string, protection: AccountProtection): void {
  if (isProtectedAccount(username, protection)) {
    throw new DomainError(
      'forbidden',
      `the account ${username} is protected and cannot be managed`,
      'username',
    );
  }
}
