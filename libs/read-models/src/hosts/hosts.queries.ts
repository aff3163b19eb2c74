import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { LocalUserRow } from '../local-users/local-user.table';
import { keysetPage, type Keyset, type PageRequest, type RowPage } from '../paging';
import { HostRow } from './host.table';

/** A registered host with the usernames managed on it, to compare with the host's inventory. */
export interface HostRead {
  host: HostRow;
  managedUsernames: ReadonlySet<string>;
}

const BY_ID: Keyset<HostRow> = {
  columns: [{ column: 'h.host_id', type: 'text', of: (row) => row.hostId }],
  direction: 'ASC',
};

@Injectable()
export class HostsQueries {
  constructor(
    @InjectRepository(HostRow) private readonly hosts: Repository<HostRow>,
    @InjectRepository(LocalUserRow) private readonly users: Repository<LocalUserRow>,
  ) {}

  /** Hosts by id. */
  async list(page: PageRequest): Promise<RowPage<HostRead>> {
    const { rows, next_cursor } = await keysetPage(this.hosts.createQueryBuilder('h'), BY_ID, page);
    return { rows: await this.withManagedUsernames(rows), next_cursor };
  }

  async get(hostId: string): Promise<HostRead> {
    const host = await this.hosts.findOneBy({ hostId });
    if (!host) throw new NotFoundException(`No host ${hostId} is registered`);
    const [read] = await this.withManagedUsernames([host]);
    return read;
  }

  /** One query for the accounts of the whole page, not one per host. */
  private async withManagedUsernames(hosts: HostRow[]): Promise<HostRead[]> {
    const users = hosts.length
      ? await this.users.find({
          select: { hostId: true, username: true },
          where: { hostId: In(hosts.map((host) => host.hostId)) },
        })
      : [];
    const managed = new Map(hosts.map((host) => [host.hostId, new Set<string>()]));
    for (const user of users) managed.get(user.hostId)?.add(user.username);
    return hosts.map((host) => ({ host, managedUsernames: managed.get(host.hostId) ?? new Set() }));
  }
}
