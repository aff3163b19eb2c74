import {
  Body,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Roles, type AuthenticatedUser } from '@ops/infra/auth';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { CommandCtx } from '../common/command-context.decorator';
import { pageOf } from '../common/pagination';
import { IssueApiKeyCommand } from './commands/issue-api-key.command';
import { RevokeAllApiKeysCommand } from './commands/revoke-all-api-keys.command';
import { RevokeApiKeyCommand } from './commands/revoke-api-key.command';
import { ApiKeyOwnerQueryDto, ListApiKeysQueryDto } from './dto/api-key-queries.dto';
import { ApiKeyListView, apiKeyView, IssuedApiKeyView, RevokedApiKeysView } from './dto/api-key-views.dto';
import { IssueApiKeyDto } from './dto/issue-api-key.dto';
import { API_KEYS_PROJECTION } from '@ops/infra/read-models';
import { ApiKeysQueries } from '@ops/read-models';
import { ReadModels } from '../common/read-your-writes/read-models.decorator';

/**
 * Personal API keys for the LLM gateway. Managed with a JWT only: these routes do not accept an API
 * key, so a leaked key cannot mint or revoke others.
 */
@ApiTags('api-keys')
@ApiBearerAuth()
@Roles('admin', 'user')
@ReadModels(API_KEYS_PROJECTION)
@Controller('api/v1/llm/api-keys')
export class ApiKeysController {
  constructor(
    private readonly commands: CommandBus,
    private readonly apiKeys: ApiKeysQueries,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Retries with the same key issue once',
  })
  @ApiCreatedResponse({ type: IssuedApiKeyView })
  issue(
    @Body() body: IssueApiKeyDto,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
  ): Promise<IssuedApiKeyView> {
    return this.commands.execute(
      new IssueApiKeyCommand(user.id, body.name, body.expires_at ?? null, context),
    );
  }

  @Get()
  @ApiOkResponse({ type: ApiKeyListView })
  async list(
    @Query() query: ListApiKeysQueryDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ApiKeyListView> {
    const owner = ownerOf(user, query.user_id);
    return { user_id: owner, ...pageOf(await this.apiKeys.list(owner, query), apiKeyView) };
  }

  /** Every key of the owner at once: for a leak whose key is unknown, or an account being shut. */
  @Post('revoke-all')
  @HttpCode(200)
  @ApiOkResponse({ type: RevokedApiKeysView })
  revokeAll(
    @Query() query: ApiKeyOwnerQueryDto,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
  ): Promise<RevokedApiKeysView> {
    return this.commands.execute(new RevokeAllApiKeysCommand(ownerOf(user, query.user_id), context));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked (also when it already was)' })
  async revoke(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: ApiKeyOwnerQueryDto,
    @CurrentUser() user: AuthenticatedUser,
    @CommandCtx() context: CommandContext,
  ): Promise<void> {
    await this.commands.execute(
      new RevokeApiKeyCommand(ownerOf(user, query.user_id), id.toLowerCase(), context),
    );
  }
}

/** Everyone manages their own keys; only admins reach someone else's (to revoke a leaked one, say). */
function ownerOf(user: AuthenticatedUser, requested: string | undefined): string {
  if (requested === undefined || requested === user.id) return user.id;
  if (!user.roles.includes('admin'))
    throw new ForbiddenException("Only admins may manage another user's keys");
  return requested;
}
