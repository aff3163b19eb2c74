import type { HostOutcome, LocalUserState } from '@ops/domain';
import { failureView } from '@ops/read-models';

function outcomeView(outcome: HostOutcome) {
  return {
    status: outcome.status,
    revision: outcome.revision,
    command_id: outcome.commandId,
    ...(outcome.status === 'failed' ? failureView(outcome) : {}),
  };
}

/** A local account's folded state at the HTTP edge. The sealed password hash is only said to exist. */
export function localUserStateView(state: LocalUserState) {
  return {
    exists: state.exists,
    deleted: state.deleted,
    host: state.hostId,
    username: state.username,
    shell: state.shell,
    full_name: state.fullName,
    groups: [...state.groups],
    sudo: state.sudo,
    has_password: state.passwordHash !== null,
    locked: state.locked,
    expires_on: state.expiresOn,
    force_password_change: state.forcePasswordChange,
    ssh_keys: state.sshKeys.map((key) => ({
      type: key.type,
      bits: key.bits,
      fingerprint: key.fingerprint,
      comment: key.comment,
      options: key.options,
    })),
    last_outcome: state.lastOutcome ? outcomeView(state.lastOutcome) : null,
  };
}
