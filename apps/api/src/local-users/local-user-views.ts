import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { LastOutcome, LocalUserRead, LocalUserSshKeyRow } from '@ops/read-models';

export class SshKeyView {
  @ApiProperty() type!: string;
  @ApiProperty() bits!: number;
  @ApiProperty() fingerprint!: string;
  @ApiProperty() comment!: string;
  @ApiProperty() options!: string;
  @ApiProperty({ format: 'date-time' }) added_at!: string;
  @ApiProperty() added_by!: string;
}

/** What the host last reported for the account's latest change. */
export class LastOutcomeView {
  @ApiProperty({ enum: ['applied', 'failed'] }) status!: 'applied' | 'failed';
  @ApiProperty() revision!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiPropertyOptional() tool?: string;
  @ApiPropertyOptional({ type: Number, nullable: true }) exit_code?: number | null;
  @ApiPropertyOptional() message?: string;
}

export class LocalUserView {
  @ApiProperty() host!: string;
  @ApiProperty() username!: string;
  @ApiProperty() shell!: string;
  @ApiProperty() full_name!: string;
  @ApiProperty({ type: [String] }) groups!: string[];
  @ApiProperty() sudo!: boolean;
  @ApiProperty() has_password!: boolean;
  @ApiProperty() locked!: boolean;
  @ApiProperty({ type: String, nullable: true, example: '2027-01-31' }) expires_on!: string | null;
  /**
   * A change at next login is asked for and not yet applied, or the host's latest inventory shows
   * the account must still change its password.
   */
  @ApiProperty() force_password_change!: boolean;
  /** `pending` until the host applied the latest change, then `applied` or `failed`. */
  @ApiProperty({ enum: ['pending', 'applied', 'failed'] }) state!: string;
  /** The account stream's revision of the latest change asked for: a change's answer carries the same. */
  @ApiProperty() revision!: string;
  @ApiProperty() deleting!: boolean;
  /** Whether the host's latest inventory lists the account (null: no inventory yet). */
  @ApiProperty({ type: Boolean, nullable: true }) on_host!: boolean | null;
  @ApiProperty({ type: LastOutcomeView, nullable: true }) last_outcome!: LastOutcome | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty() created_by!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
  @ApiPropertyOptional({ type: [SshKeyView] }) ssh_keys?: SshKeyView[];
  @ApiProperty({ description: "The account's entries in the audit log" }) history!: string;
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

export function localUserView({ user: row, host, sshKeys }: LocalUserRead): LocalUserView {
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
    ...(sshKeys ? { ssh_keys: sshKeys.map(sshKeyView) } : {}),
    history: `/api/v1/audit-log?host=${encodeURIComponent(row.hostId)}&user=${encodeURIComponent(row.username)}`,
  };
}
