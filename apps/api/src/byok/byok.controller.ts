import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles, type AuthenticatedUser } from '@ops/infra/auth';
import { DataKeyVault } from '@ops/infra/crypto/data-keys';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { CommandCtx } from '../common/command-context.decorator';
import { ApiPageResponse, PageQueryDto, type Page } from '../common/pagination';
import { AddProviderKeyCommand } from './commands/add-provider-key.command';
import { RemoveProviderKeyCommand } from './commands/remove-provider-key.command';
import { AddProviderKeyDto } from './dto/add-provider-key.dto';
import { ProviderKeyAddedView, providerKeyViews, ProviderKeyView } from './dto/provider-key-views';
import { PROVIDER_KEYS_PROJECTION } from '@ops/infra/read-models';
import { ProviderKeysQueries } from '@ops/read-models';
import { ReadModels } from '../common/read-your-writes/read-models.decorator';

/** Users' own provider keys: each caller sees and changes only their own. */
@ApiTags('byok')
@ApiBearerAuth()
@Roles('user', 'admin')
@ReadModels(PROVIDER_KEYS_PROJECTION)
@Controller('api/v1/llm/byok/keys')
export class ByokController {
  constructor(
    private readonly commands: CommandBus,
    private readonly providerKeys: ProviderKeysQueries,
    private readonly vault: DataKeyVault,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: ProviderKeyAddedView })
  add(@Body() body: AddProviderKeyDto, @CommandCtx() context: CommandContext): Promise<ProviderKeyAddedView> {
    return this.commands.execute(
      new AddProviderKeyCommand(body.provider, body.api_key, body.label ?? null, context),
    );
  }

  @Get()
  @ApiPageResponse(ProviderKeyView, "The caller's keys by provider")
  async list(
    @Query() query: PageQueryDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<Page<ProviderKeyView>> {
    const { rows, next_cursor } = await this.providerKeys.list(user.id, query);
    return { items: await providerKeyViews(this.vault, user.id, rows), next_cursor };
  }

  @Delete(':provider')
  @HttpCode(204)
  async remove(@Param('provider') provider: string, @CommandCtx() context: CommandContext): Promise<void> {
    await this.commands.execute(new RemoveProviderKeyCommand(provider, context));
  }
}
