import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { assertValidHostId, managedHost } from '@ops/domain';
import { Roles } from '@ops/infra/auth';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { CommandBus } from '@nestjs/cqrs';
import { RunAggregateCommand } from '@ops/infra/event-sourcing/run-aggregate-command';
import { HOSTS_PROJECTION, LOCAL_USERS_PROJECTION } from '@ops/infra/read-models';
import { HostsQueries } from '@ops/read-models';
import { CommandCtx } from '../common/command-context.decorator';
import { ApiPageResponse, pageOf, PageQueryDto, type Page } from '../common/pagination';
import { AgentPublicKeysDto, RegisterHostDto } from './dto/register-host.dto';
import { HostRegisteredView, HostView, hostView } from './host-views';
import { ReadModels } from '../common/read-your-writes/read-models.decorator';

@ApiTags('hosts')
@ApiBearerAuth()
@Roles('admin')
@ReadModels(HOSTS_PROJECTION, LOCAL_USERS_PROJECTION)
@Controller('api/v1/hosts')
export class HostsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly hosts: HostsQueries,
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
    return pageOf(await this.hosts.list(query), hostView);
  }

  @Get(':hostId')
  @ApiOkResponse({ type: HostView })
  async details(@Param('hostId') hostId: string): Promise<HostView> {
    return hostView(await this.hosts.get(hostId));
  }
}
