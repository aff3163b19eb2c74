import { Body, Controller, Get, NotFoundException, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { assertValidHostId, isSystemAccount, managedHost } from '@ops/domain';
import { Roles } from '@ops/infra/auth';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { CommandBus } from '@nestjs/cqrs';
import { RunAggregateCommand } from '@ops/infra/event-sourcing/run-aggregate-command';
import { HOSTS_PROJECTION, LOCAL_USERS_PROJECTION } from '@ops/infra/read-models';
import { HostRow, LocalUserRow } from '@ops/read-models';
import type { Repository } from 'typeorm';
import { CommandCtx } from '../common/command-context.decorator';
import { ApiPageResponse, keysetPage, PageQueryDto, type Keyset, type Page } from '../common/pagination';
import { AgentPublicKeysDto, RegisterHostDto } from './dto/register-host.dto';
import { HostRegisteredView, HostView } from './host-views';
import { ReadModels } from '../common/read-your-writes/read-models.decorator';

const BY_ID: Keyset<HostRow> = {
  columns: [{ column: 'h.host_id', type: 'text', of: (row) => row.hostId }],
  direction: 'ASC',
};

@ApiTags('hosts')
@ApiBearerAuth()
@Roles('admin')
@ReadModels(HOSTS_PROJECTION, LOCAL_USERS_PROJECTION)
@Controller('api/v1/hosts')
export class HostsController {
  constructor(
    private readonly commands: CommandBus,
    @InjectRepository(HostRow) private readonly hosts: Repository<HostRow>,
    @InjectRepository(LocalUserRow) private readonly users: Repository<LocalUserRow>,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: HostRegisteredView })
  async register(
    @Body() body: RegisterHostDto,
    @CommandCtx() context: CommandContext,
  ): Promise<HostRegisteredView> {
    assertValidHostId(body.host_id, 'host_id');
    const outcome = await this.commands.execute(
      new RunAggregateCommand({
        ...managedHost.stream(body.host_id),
        command: {
          type: 'RegisterHost',
          hostId: body.host_id,
          name: body.name,
          agentKeys: body.agent_public_keys ?? null,
        },
        context,
      }),
    );
    return { host_id: body.host_id, name: body.name, changed: outcome.eventIds.length > 0 };
  }

  /**
   * Enrols the host's agent anew (a reinstalled host, a rotation, a leaked key): from this event on
   * only reports signed with the new key are recorded and hashes are sealed to the new key.
   */
  @Put(':hostId/agent-keys')
  async rotateAgentKeys(
    @Param('hostId') hostId: string,
    @Body() body: AgentPublicKeysDto,
    @CommandCtx() context: CommandContext,
  ): Promise<{ host_id: string; changed: boolean }> {
    assertValidHostId(hostId, 'host_id');
    const outcome = await this.commands.execute(
      new RunAggregateCommand({
        ...managedHost.stream(hostId),
        command: {
          type: 'RotateAgentKeys',
          hostId,
          agentKeys: { signing: body.signing, sealing: body.sealing },
        },
        context,
      }),
    );
    return { host_id: hostId, changed: outcome.eventIds.length > 0 };
  }

  @Get()
  @ApiPageResponse(HostView, 'Managed servers by host id')
  async list(@Query() query: PageQueryDto): Promise<Page<HostView>> {
    const { rows, next_cursor } = await keysetPage(this.hosts.createQueryBuilder('h'), BY_ID, query);
    return { items: await Promise.all(rows.map((host) => this.view(host))), next_cursor };
  }

  @Get(':hostId')
  @ApiOkResponse({ type: HostView })
  async details(@Param('hostId') hostId: string): Promise<HostView> {
    const host = await this.hosts.findOneBy({ hostId });
    if (!host) throw new NotFoundException(`No host ${hostId} is registered`);
    return this.view(host);
  }

  private async view(host: HostRow): Promise<HostView> {
    const managed = new Set((await this.users.findBy({ hostId: host.hostId })).map((user) => user.username));
    const inventory = host.inventory;
    return {
      host_id: host.hostId,
      name: host.name,
      registered_at: host.registeredAt.toISOString(),
      registered_by: host.registeredBy,
      inventory_taken_at: host.inventoryTakenAt?.toISOString() ?? null,
      unmanaged_accounts: inventory
        ? inventory
            .filter((account) => !isSystemAccount(account) && !managed.has(account.username))
            .map((account) => account.username)
        : null,
      missing_accounts: inventory
        ? [...managed].filter((username) => !inventory.some((account) => account.username === username))
        : null,
      groups: host.inventoryGroups,
      shells: host.inventoryShells,
    };
  }
}
