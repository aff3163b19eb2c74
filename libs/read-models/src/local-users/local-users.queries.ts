import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { HostRow } from '../hosts/host.table';
import { keysetPage, type Keyset, type PageRequest, type RowPage } from '../paging';
import { LocalUserSshKeyRow } from './local-user-ssh-key.table';
import { LocalUserRow } from './local-user.table';

/** A managed account with its host (for drift against the host's inventory) and, in details, its keys. */
export interface LocalUserRead {
  user: LocalUserRow;
  host: HostRow | null;
  sshKeys?: LocalUserSshKeyRow[];
}

const BY_HOST_AND_NAME: Keyset<LocalUserRow> = {
  columns: [
    { column: 'u.host_id', type: 'text', of: (row) => row.hostId },
    { column: 'u.username', type: 'text', of: (row) => row.username },
  ],
  direction: 'ASC',
};

const OLDEST_FIRST: Keyset<LocalUserSshKeyRow> = {
  columns: [
    { column: 'k.added_at', type: 'timestamptz', of: (row) => row.addedAt },
    { column: 'k.fingerprint', type: 'text', of: (row) => row.fingerprint },
  ],
  direction: 'ASC',
};

@Injectable()
export class LocalUsersQueries {
  constructor(
    @InjectRepository(LocalUserRow) private readonly users: Repository<LocalUserRow>,
    @InjectRepository(LocalUserSshKeyRow) private readonly keys: Repository<LocalUserSshKeyRow>,
    @InjectRepository(HostRow) private readonly hosts: Repository<HostRow>,
  ) {}

  /** Accounts by host, then username; `hostId` null lists every host's. */
  async list(hostId: string | null, page: PageRequest): Promise<RowPage<LocalUserRead>> {
    const host = hostId === null ? null : await this.host(hostId);
    const select = this.users.createQueryBuilder('u');
    if (hostId !== null) select.where('u.host_id = :hostId', { hostId });
    const { rows, next_cursor } = await keysetPage(select, BY_HOST_AND_NAME, page);
    const hosts = host
      ? [host]
      : await this.hosts.findBy({ hostId: In([...new Set(rows.map((row) => row.hostId))]) });
    const byId = new Map(hosts.map((each) => [each.hostId, each]));
    return { rows: rows.map((user) => ({ user, host: byId.get(user.hostId) ?? null })), next_cursor };
  }

  async get(hostId: string, username: string): Promise<LocalUserRead> {
    const host = await this.host(hostId);
    const user = await this.user(hostId, username);
    const sshKeys = await this.keys.find({
      where: { hostId, username },
      order: { addedAt: 'ASC', fingerprint: 'ASC' },
    });
    return { user, host, sshKeys };
  }

  /** The account's keys in the order they were added. */
  async sshKeys(hostId: string, username: string, page: PageRequest): Promise<RowPage<LocalUserSshKeyRow>> {
    await this.user(hostId, username);
    const select = this.keys
      .createQueryBuilder('k')
      .where('k.host_id = :hostId AND k.username = :username', { hostId, username });
    return keysetPage(select, OLDEST_FIRST, page);
  }

  private async host(hostId: string): Promise<HostRow> {
    const host = await this.hosts.findOneBy({ hostId });
    if (!host) throw new NotFoundException(`No host ${hostId} is registered`);
    return host;
  }

  private async user(hostId: string, username: string): Promise<LocalUserRow> {
    const user = await this.users.findOneBy({ hostId, username });
    if (!user) throw new NotFoundException(`No managed user ${username} on host ${hostId}`);
    return user;
  }
}
