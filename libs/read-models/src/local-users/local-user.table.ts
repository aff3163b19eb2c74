import { describeHostFailure, type FieldOutcome } from '@ops/domain';
import { Column, Entity, PrimaryColumn } from 'typeorm';

export type LocalUserSyncState = 'pending' | 'applied' | 'failed';

/** What became of one field of the account on the host (see the domain's FieldOutcome). */
export interface LastOutcomeField {
  field: string;
  status: 'applied' | 'failed';
  tool?: string;
  exit_code?: number | null;
  message?: string;
}

export interface LastOutcome {
  status: 'applied' | 'failed';
  revision: string;
  at: string;
  tool?: string;
  exit_code?: number | null;
  message?: string;
  /** On a failure: why, per field, in one line (see describeHostFailure). */
  failure?: string;
  /** On a failure reported field by field: each field the agent worked on. */
  fields?: LastOutcomeField[];
}

/** A failed host change as `last_outcome` shows it: the first failure, why in one line, each field. */
export function failureView(failure: {
  tool: string;
  exitCode: number | null;
  message: string;
  fields?: readonly FieldOutcome[];
}): Pick<LastOutcome, 'tool' | 'exit_code' | 'message' | 'failure' | 'fields'> {
  const fields = failure.fields?.map((field): LastOutcomeField =>
    field.status === 'failed'
      ? {
          field: field.field,
          status: field.status,
          tool: field.tool,
          exit_code: field.exitCode,
          message: field.message,
        }
      : { field: field.field, status: field.status },
  );
  return {
    tool: failure.tool,
    exit_code: failure.exitCode,
    message: failure.message,
    failure: describeHostFailure(failure),
    ...(fields ? { fields } : {}),
  };
}

/** An account as admins asked for it on one host, and whether the host has caught up with that. */
@Entity({ name: 'local_users' })
export class LocalUserRow {
  @PrimaryColumn({ name: 'host_id', type: 'text' })
  hostId!: string;

  @PrimaryColumn({ type: 'text' })
  username!: string;

  @Column({ type: 'text' })
  shell!: string;

  @Column({ name: 'full_name', type: 'text' })
  fullName!: string;

  @Column({ type: 'text', array: true })
  groups!: string[];

  @Column({ type: 'boolean' })
  sudo!: boolean;

  @Column({ name: 'has_password', type: 'boolean' })
  hasPassword!: boolean;

  @Column({ type: 'boolean' })
  locked!: boolean;

  @Column({ name: 'expires_on', type: 'date', nullable: true })
  expiresOn!: string | null;

  @Column({ name: 'force_password_change', type: 'boolean' })
  forcePasswordChange!: boolean;

  /** Deletion was asked for; the row goes once the host confirms it. */
  @Column({ type: 'boolean' })
  deleted!: boolean;

  @Column({ type: 'text' })
  state!: LocalUserSyncState;

  @Column({ name: 'last_change_revision', type: 'bigint' })
  lastChangeRevision!: string;

  @Column({ name: 'last_outcome', type: 'jsonb', nullable: true })
  lastOutcome!: LastOutcome | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
