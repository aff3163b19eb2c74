import { NotFoundException } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { InjectRepository } from '@nestjs/typeorm';
import { HostRow, LocalUserRow, LocalUserSshKeyRow } from '@ops/infra/read-models';
import type { Repository } from 'typeorm';
import { localUserView, sshKeyView, type LocalUserView, type SshKeyView } from '../local-user-views';
import { GetLocalUserQuery, ListLocalUsersQuery, ListSshKeysQuery } from './local-user.queries';

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
  implements IQueryHandler<ListLocalUsersQuery, LocalUserView[]>
{
  async execute({ hostId }: ListLocalUsersQuery): Promise<LocalUserView[]> {
    const host = await this.host(hostId);
    const rows = await this.users.find({ where: { hostId }, order: { username: 'ASC' } });
    return rows.map((row) => localUserView(row, host));
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
  implements IQueryHandler<ListSshKeysQuery, SshKeyView[]>
{
  async execute({ hostId, username }: ListSshKeysQuery): Promise<SshKeyView[]> {
    await this.user(hostId, username);
    return (await this.keysOf(hostId, username)).map(sshKeyView);
  }
}
