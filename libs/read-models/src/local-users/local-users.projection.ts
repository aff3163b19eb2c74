import { Injectable } from '@nestjs/common';
import {
  LOCAL_USER_CATEGORY,
  LOCAL_USER_EVENT_TYPES,
  type HostChangeApplied,
  type HostChangeFailed,
  type LocalUserEvent,
  type SshKeyRecord,
} from '@ops/domain';
import type { RecordedEvent } from '@ops/infra/event-store/event-store';
import { domainEvents, type DomainRecordedEvent } from '@ops/infra/projections/domain-events';
import { LOCAL_USERS_PROJECTION } from '@ops/infra/read-models';
import { failureView, type LastOutcome } from './local-user.table';
import type { Projection } from '@ops/infra/projections/projection';
import type { EntityManager } from 'typeorm';

type Data<Type extends LocalUserEvent['type']> = Extract<LocalUserEvent, { type: Type }>['data'];

/** Column assignments a change makes to the account row; every change also marks it pending. */
const CHANGED_COLUMNS: Partial<
  Record<LocalUserEvent['type'], (data: Record<string, unknown>, revision: string) => Record<string, unknown>>
> = {
  LocalUserPasswordSet: (data, revision) => ({
    has_password: true,
    force_password_change: Boolean(data.forcePasswordChange),
    force_requested_revision: data.forcePasswordChange ? revision : null,
  }),
  LocalUserSudoGranted: () => ({ sudo: true }),
  LocalUserSudoRevoked: () => ({ sudo: false }),
  LocalUserLocked: () => ({ locked: true }),
  LocalUserUnlocked: () => ({ locked: false }),
  LocalUserExpirySet: (data) => ({ expires_on: data.expiresOn ?? null }),
  LocalUserShellChanged: (data) => ({ shell: data.shell }),
  LocalUserGroupsSet: (data) => ({ groups: data.groups }),
  LocalUserPasswordChangeForced: (_, revision) => ({
    force_password_change: true,
    force_requested_revision: revision,
  }),
  LocalUserDeleted: () => ({ deleted: true }),
  LocalUserSshKeyAdded: () => ({}),
  LocalUserSshKeyRemoved: () => ({}),
};

function insertKey(
  tx: EntityManager,
  hostId: string,
  username: string,
  key: SshKeyRecord,
  addedAt: string,
  addedBy: string,
): Promise<unknown> {
  return tx.query(
    `INSERT INTO local_user_ssh_keys (host_id, username, fingerprint, type, bits, comment, options, added_at, added_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [hostId, username, key.fingerprint, key.type, key.bits, key.comment, key.options, addedAt, addedBy],
  );
}

/**
 * Accounts per host with their keys, and whether the host has applied the latest change: `pending`
 * after a change, `applied` or `failed` once the agent reports on that revision.
 */
@Injectable()
export class LocalUsersProjection implements Projection {
  readonly name = LOCAL_USERS_PROJECTION;
  readonly filter = { streamPrefixes: [LOCAL_USER_CATEGORY], eventTypes: LOCAL_USER_EVENT_TYPES };
  readonly tables = [{ name: 'local_users' }, { name: 'local_user_ssh_keys' }];

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const event of domainEvents<LocalUserEvent>(events, this.filter.eventTypes))
      await this.applyOne(event, tx);
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('TRUNCATE local_users, local_user_ssh_keys');
  }

  private async applyOne(event: DomainRecordedEvent<LocalUserEvent>, tx: EntityManager): Promise<void> {
    const { hostId, username } = event.data;
    const at = event.metadata.occurredAt;
    const revision = event.revision.toString();
    switch (event.type) {
      case 'LocalUserCreated':
        return this.created(event.data, revision, at, event.metadata.actor, tx);
      case 'HostChangeApplied':
      case 'HostChangeFailed':
        return this.outcome(event, hostId, username, at, tx);
    }
    const columns = CHANGED_COLUMNS[event.type];
    if (!columns) return;
    const assignments = Object.entries(columns(event.data, revision));
    await tx.query(
      `UPDATE local_users SET state = 'pending', last_change_revision = $3, updated_at = $4
         ${assignments.map(([column], index) => `, ${column} = $${index + 5}`).join('')}
       WHERE host_id = $1 AND username = $2`,
      [hostId, username, revision, at, ...assignments.map(([, value]) => value)],
    );
    if (event.type === 'LocalUserSshKeyAdded') {
      const { key } = event.data;
      await insertKey(tx, hostId, username, key, at, event.metadata.actor);
    }
    if (event.type === 'LocalUserSshKeyRemoved') {
      const { fingerprint } = event.data;
      await tx.query(
        'DELETE FROM local_user_ssh_keys WHERE host_id = $1 AND username = $2 AND fingerprint = $3',
        [hostId, username, fingerprint],
      );
    }
  }

  private async created(
    data: Data<'LocalUserCreated'>,
    revision: string,
    at: string,
    actor: string,
    tx: EntityManager,
  ): Promise<void> {
    // A user created again after a deletion starts over: drop what the earlier lifecycle left.
    await tx.query('DELETE FROM local_user_ssh_keys WHERE host_id = $1 AND username = $2', [
      data.hostId,
      data.username,
    ]);
    await tx.query(
      `INSERT INTO local_users (host_id, username, shell, full_name, groups, sudo, has_password, locked, expires_on,
                                force_password_change, force_requested_revision, deleted, state,
                                last_change_revision, last_outcome, created_at, created_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, false, NULL, $8, CASE WHEN $8 THEN $9::bigint END, false, 'pending',
               $9, NULL, $10, $11, $10)
       ON CONFLICT (host_id, username) DO UPDATE SET
         shell = EXCLUDED.shell, full_name = EXCLUDED.full_name, groups = EXCLUDED.groups, sudo = EXCLUDED.sudo,
         has_password = EXCLUDED.has_password, locked = false, expires_on = NULL,
         force_password_change = EXCLUDED.force_password_change,
         force_requested_revision = EXCLUDED.force_requested_revision, deleted = false, state = 'pending',
         last_change_revision = EXCLUDED.last_change_revision, last_outcome = NULL,
         created_at = EXCLUDED.created_at, created_by = EXCLUDED.created_by, updated_at = EXCLUDED.updated_at`,
      [
        data.hostId,
        data.username,
        data.shell,
        data.fullName,
        data.groups,
        data.sudo,
        data.passwordHash !== null,
        data.forcePasswordChange,
        revision,
        at,
        actor,
      ],
    );
    for (const key of data.sshKeys) await insertKey(tx, data.hostId, data.username, key, at, actor);
  }

  private async outcome(
    event: DomainRecordedEvent<HostChangeApplied | HostChangeFailed>,
    hostId: string,
    username: string,
    at: string,
    tx: EntityManager,
  ): Promise<void> {
    const { data } = event;
    const failed = event.type === 'HostChangeFailed';
    const outcome: LastOutcome = {
      status: failed ? 'failed' : 'applied',
      revision: data.revision,
      at,
      ...('tool' in data ? failureView(data) : {}),
    };
    // Only a report on the latest change decides the state; an older one (a re-sent command) is history
    // only and never replaces a newer outcome. A forced password change, once applied, is the host's.
    await tx.query(
      `UPDATE local_users SET
              state = CASE WHEN $4::bigint >= last_change_revision THEN $5 ELSE state END,
              last_outcome = CASE WHEN $4::bigint >= coalesce((last_outcome->>'revision')::bigint, -1)
                                  THEN $3::jsonb ELSE last_outcome END,
              force_password_change = force_password_change
                AND NOT coalesce($6 AND $4::bigint >= force_requested_revision, false),
              force_requested_revision = CASE WHEN coalesce($6 AND $4::bigint >= force_requested_revision, false) THEN NULL
                                              ELSE force_requested_revision END
        WHERE host_id = $1 AND username = $2`,
      [hostId, username, JSON.stringify(outcome), data.revision, failed ? 'failed' : 'applied', !failed],
    );
    if (!failed) {
      await tx.query(
        `DELETE FROM local_users WHERE host_id = $1 AND username = $2 AND deleted AND $3::bigint >= last_change_revision`,
        [hostId, username, data.revision],
      );
      await tx.query(
        `DELETE FROM local_user_ssh_keys k WHERE host_id = $1 AND username = $2
            AND NOT EXISTS (SELECT 1 FROM local_users u WHERE u.host_id = $1 AND u.username = $2)`,
        [hostId, username],
      );
    }
  }
}
