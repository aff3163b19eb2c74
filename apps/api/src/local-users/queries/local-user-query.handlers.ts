import { NotFoundException } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { InjectRepository } from '@nestjs/typeorm';
import { HostRow, LocalUserRow, LocalUserSshKeyRow } from '@ops/read-models';
import { In, type Repository } from 'typeorm';
import { keysetPage, type Keyset, type Page } from '../../common/pagination';
import { localUserView, sshKeyView, type LocalUserView, type SshKeyView } from '../local-user-views';
import { GetLocalUserQuery, ListLocalUsersQuery, ListSshKeysQuery } from './local-user.queries';

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

/** Reads shared by the local-user queries: the host (for drift), the account, its keys. */
abstract class LocalUserReads {
  constructor(
    @InjectRepository(LocalUserRow) protected readonly users: Repository<LocalUserRow>,
    @InjectRepository(LocalUserSshKeyRow) protected readonly keys: Repository<LocalUserSshKeyRow>,
    @InjectRepository(HostRow) protected readonly hosts: Repository<HostRow>,
  ) {}

  protected async host(hostId: string): Promise<HostRow> {
    const host = await this.hosts.findOneBy({ hostId });
    if (!host) throw new NotFoundException(`No host ${hostId} is registered`);
    return host;
  }

  protected async user(hostId: string, username: string): Promise<LocalUserRow> {
    const user = await this.users.findOneBy({ hostId, username });
    if (!user) throw new NotFoundException(`No managed user ${username} on host ${hostId}`);
    return user;
  }

  protected keysOf(hostId: string, username: string): Promise<LocalUserSshKeyRow[]> {
    return this.keys.find({ where: { hostId, username }, order: { addedAt: 'ASC', fingerprint: 'ASC' } });
  }
}

@QueryHandler(ListLocalUsersQuery)
export class ListLocalUsersHandler
  extends LocalUserReads
  implements IQueryHandler<ListLocalUsersQuery, Page<LocalUserView>>
{
  async execute({ hostId, page }: ListLocalUsersQuery): Promise<Page<LocalUserView>> {
    const host = hostId === null ? null : await this.host(hostId);
    const select = this.users.createQueryBuilder('u');
    if (hostId !== null) select.where('u.host_id = :hostId', { hostId });
    const { rows, next_cursor } = await keysetPage(select, BY_HOST_AND_NAME, page);
    const hosts = host
      ? [host]
      : await this.hosts.findBy({ hostId: In([...new Set(rows.map((row) => row.hostId))]) });
    const byId = new Map(hosts.map((each) => [each.hostId, each]));
    return { items: rows.map((row) => localUserView(row, byId.get(row.hostId) ?? null)), next_cursor };
  }
}

@QueryHandler(GetLocalUserQuery)
export class GetLocalUserHandler
  extends LocalUserReads
  implements IQueryHandler<GetLocalUserQuery, LocalUserView>
{
  async execute({ hostId, username }: GetLocalUserQuery): Promise<LocalUserView> {
    const host = await this.host(hostId);
    const user = await this.user(hostId, username);
    return localUserView(user, host, await this.keysOf(hostId, username));
  }
}

@QueryHandler(ListSshKeysQuery)
export class ListSshKeysHandler
  extends LocalUserReads
  implements IQueryHandler<ListSshKeysQuery, Page<SshKeyView>>
{
  async execute({ hostId, username, page }: ListSshKeysQuery): Promise<Page<SshKeyView>> {
    await this.user(hostId, username);
    const select = this.keys
      .createQueryBuilder('k')
      .where('k.host_id = :hostId AND k.username = :username', { hostId, username });
    const { rows, next_cursor } = await keysetPage(select, OLDEST_FIRST, page);
    return { items: rows.map(sshKeyView), next_cursor };
  }
}
