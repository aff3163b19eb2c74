import type { HostRow, LastOutcome, LocalUserRow, LocalUserSshKeyRow } from '@ops/infra/read-models';

export interface SshKeyView {
  type: string;
  bits: number;
  fingerprint: string;
  comment: string;
  options: string;
  added_at: string;
  added_by: string;
}

export interface LocalUserView {
  host: string;
  username: string;
  shell: string;
  full_name: string;
  groups: string[];
  sudo: boolean;
  has_password: boolean;
  locked: boolean;
  expires_on: string | null;
  /**
   * A change at next login is asked for and not yet applied, or the host's latest inventory shows
   * the account must still change its password.
   */
  force_password_change: boolean;
  /** `pending` until the host applied the latest change, then `applied` or `failed`. */
  state: string;
  /** The account stream's revision of the latest change asked for: a change's answer carries the same. */
  revision: string;
  deleting: boolean;
  /** Whether the host's latest inventory lists the account (null: no inventory yet). */
  on_host: boolean | null;
  last_outcome: LastOutcome | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  ssh_keys?: SshKeyView[];
  history: string;
}

export interface LocalUserChangeView {
  host: string;
  username: string;
  /** False when the request asked for what already was: nothing appended, nothing sent to the host. */
  changed: boolean;
  revision: string;
  state: 'pending' | 'unchanged';
}

export function sshKeyView(row: LocalUserSshKeyRow): SshKeyView {
  return {
    type: row.type,
    bits: row.bits,
    fingerprint: row.fingerprint,
    comment: row.comment,
    options: row.options,
    added_at: row.addedAt.toISOString(),
    added_by: row.addedBy,
  };
}

export function localUserView(
  row: LocalUserRow,
  host: HostRow | null,
  keys?: LocalUserSshKeyRow[],
): LocalUserView {
  const inventory = host?.inventory ?? null;
  const onHost = inventory?.find((account) => account.username === row.username);
  return {
    host: row.hostId,
    username: row.username,
    shell: row.shell,
    full_name: row.fullName,
    groups: row.groups,
    sudo: row.sudo,
    has_password: row.hasPassword,
    locked: row.locked,
    expires_on: row.expiresOn,
    force_password_change: row.forcePasswordChange || onHost?.passwordChangeForced === true,
    state: row.state,
    revision: row.lastChangeRevision,
    deleting: row.deleted,
    on_host: inventory ? onHost !== undefined : null,
    last_outcome: row.lastOutcome,
    created_at: row.createdAt.toISOString(),
    created_by: row.createdBy,
    updated_at: row.updatedAt.toISOString(),
    ...(keys ? { ssh_keys: keys.map(sshKeyView) } : {}),
    history: `/api/v1/audit-log?host=${encodeURIComponent(row.hostId)}&user=${encodeURIComponent(row.username)}`,
  };
}
