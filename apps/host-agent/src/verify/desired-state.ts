import {
  assertNotProtected,
  assertValidExpiryDate,
  assertValidFullName,
  assertValidGroups,
  assertValidShell,
  assertValidUsername,
  DomainError,
  MAX_SSH_KEYS,
  parseSshKey,
  type AccountProtection,
  type HostCommand,
} from '@ops/domain';

/**
 * The domain's own rules, run again on the host: a signature proves who sent a state, not that it is
 * sound, and the host is where an unsound one would do harm. Each SSH key line is parsed again and
 * must have the fingerprint the control plane recorded, so what lands in authorized_keys is exactly
 * the key an admin saw.
 */
export function assertValidDesiredState(command: HostCommand, protection: AccountProtection): void {
  assertValidUsername(command.username);
  assertNotProtected(command.username, protection);
  const { desired } = command;
  if (!desired.present) {
    if (typeof desired.removeHome !== 'boolean')
      throw new DomainError('invalid', 'remove_home must be true or false');
    return;
  }
  assertValidShell(desired.shell);
  assertValidFullName(desired.fullName);
  // Names and privileged groups here; the configured root-equivalent groups are refused by the
  // converger as one failed field, so a list this host refuses cannot block a sudo revoke or a lock.
  assertValidGroups(desired.groups, []);
  if (desired.expiresOn !== null) assertValidExpiryDate(desired.expiresOn);
  const flags = [desired.sudo, desired.locked, desired.forcePasswordChange];
  if (!flags.every((flag) => typeof flag === 'boolean')) {
    throw new DomainError('invalid', 'sudo, locked and force_password_change must be true or false');
  }
  if (desired.sshKeys.length > MAX_SSH_KEYS) {
    throw new DomainError('invalid', `ssh_keys must list at most ${MAX_SSH_KEYS} keys`, 'ssh_keys');
  }
  const fingerprints = desired.sshKeys.map((key, index) => {
    const field = `ssh_keys.${index}`;
    if (parseSshKey(key.line, field).fingerprint !== key.fingerprint) {
      throw new DomainError('invalid', `${field} does not have the fingerprint recorded for it`, field);
    }
    return key.fingerprint;
  });
  if (new Set(fingerprints).size !== fingerprints.length) {
    throw new DomainError('invalid', 'ssh_keys must not list the same key twice', 'ssh_keys');
  }
}
