import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  DomainError,
  hostCatalog,
  parseSshKey,
  systemAccounts,
  type AccountProtection,
  type HostState,
  type LocalUserCommand,
} from '@ops/domain';
import { Roles } from '@ops/infra/auth';
import { HostsConfig } from '@ops/infra/host-commands/hosts-config';
import { SecretBox } from '@ops/infra/crypto/secret-box';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import { CommandCtx } from '../common/command-context.decorator';
import { ApiPageResponse, pageOf, type Page } from '../common/pagination';
import { ChangeLocalUserCommand } from './commands/change-local-user.command';
import {
  AddSshKeyDto,
  ChangeShellDto,
  CreateLocalUserDto,
  DeleteLocalUserQueryDto,
  HostQueryDto,
  SetExpiryDto,
  SetGroupsDto,
  SetPasswordDto,
} from './dto/local-user-requests.dto';
import { ListLocalUsersQueryDto, ListSshKeysQueryDto } from './dto/list-local-users.dto';
import {
  type LocalUserChangeView,
  LocalUserView,
  localUserView,
  type SshKeyView,
  sshKeyView,
} from './local-user-views';
import { sealPasswordInput } from './password-input';
import { LOCAL_USERS_PROJECTION, HOSTS_PROJECTION } from '@ops/infra/read-models';
import { LocalUsersQueries } from '@ops/read-models';
import { ReadModels } from '../common/read-your-writes/read-models.decorator';

const DEFAULT_SHELL = '/bin/bash';

/** Every account change is an event on the account's stream; the host agent applies it and reports back. */
@ApiTags('local users')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retries with the same key change once' })
@Roles('admin')
@ReadModels(LOCAL_USERS_PROJECTION, HOSTS_PROJECTION)
@Controller('api/v1/local-users')
export class LocalUsersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly localUsers: LocalUsersQueries,
    private readonly box: SecretBox,
    private readonly config: HostsConfig,
  ) {}

  @Get()
  @ApiPageResponse(LocalUserView, 'Accounts by host, then username')
  async list(@Query() query: ListLocalUsersQueryDto): Promise<Page<LocalUserView>> {
    if (query.all_hosts && query.host !== undefined)
      throw new DomainError('invalid', 'Give host or all_hosts, not both', 'all_hosts');
    return pageOf(
      await this.localUsers.list(query.all_hosts ? null : this.hostOf(query), query),
      localUserView,
    );
  }

  @Post()
  @HttpCode(202)
  create(
    @Body() body: CreateLocalUserDto,
    @Query() query: HostQueryDto,
    @CommandCtx() context: CommandContext,
  ): Promise<LocalUserChangeView> {
    const hostId = this.hostOf(query);
    const sshKeys = (body.ssh_keys ?? []).map((line, index) => parseSshKey(line, `ssh_keys.${index}`));
    return this.change(hostId, body.username, context, (host) => ({
      type: 'CreateLocalUser',
      hostId,
      username: body.username,
      shell: body.shell ?? DEFAULT_SHELL,
      fullName: body.full_name ?? '',
      groups: body.groups ?? [],
      sudo: body.sudo ?? false,
      passwordHash: sealPasswordInput(body, hostId, body.username, this.box),
      forcePasswordChange: body.force_password_change ?? false,
      sshKeys,
      protection: this.protectionOn(host),
      refusedGroups: this.config.LOCAL_USER_REFUSED_GROUPS,
      onHost: hostCatalog(host),
      adopt: body.adopt ?? false,
    }));
  }

  @Get(':username')
  @ApiOkResponse({ type: LocalUserView })
  async details(@Param('username') username: string, @Query() query: HostQueryDto): Promise<LocalUserView> {
    return localUserView(await this.localUsers.get(this.hostOf(query), username));
  }

  @Delete(':username')
  @HttpCode(202)
  delete(
    @Param('username') username: string,
    @Query() query: DeleteLocalUserQueryDto,
    @CommandCtx() context: CommandContext,
  ): Promise<LocalUserChangeView> {
    const hostId = this.hostOf(query);
    return this.change(hostId, username, context, (host) => ({
      type: 'DeleteLocalUser',
      hostId,
      username,
      removeHome: query.remove_home ?? false,
      protection: this.protectionOn(host),
    }));
  }

  @Post(':username/password')
  @HttpCode(202)
  setPassword(
    @Param('username') username: string,
    @Body() body: SetPasswordDto,
    @Query() query: HostQueryDto,
    @CommandCtx() context: CommandContext,
  ): Promise<LocalUserChangeView> {
    const hostId = this.hostOf(query);
    const passwordHash = sealPasswordInput(body, hostId, username, this.box);
    if (!passwordHash) throw new DomainError('invalid', 'Give password or password_hash', 'password');
    return this.change(hostId, username, context, () => ({
      type: 'SetLocalUserPassword',
      hostId,
      username,
      passwordHash,
      forcePasswordChange: body.force_change ?? false,
    }));
  }

  @Post(':username/password/expire')
  @HttpCode(202)
  forcePasswordChange(
    @Param('username') username: string,
    @Query() query: HostQueryDto,
    @CommandCtx() context: CommandContext,
  ): Promise<LocalUserChangeView> {
    return this.simple(username, query, context, 'ForcePasswordChange');
  }

  @Get(':username/ssh-keys')
  @ApiPageResponse(undefined, 'Keys in the order they were added')
  async sshKeys(
    @Param('username') username: string,
    @Query() query: ListSshKeysQueryDto,
  ): Promise<Page<SshKeyView>> {
    return pageOf(await this.localUsers.sshKeys(this.hostOf(query), username, query), sshKeyView);
  }

  @Post(':username/ssh-keys')
  @HttpCode(202)
  addSshKey(
    @Param('username') username: string,
    @Body() body: AddSshKeyDto,
    @Query() query: HostQueryDto,
    @CommandCtx() context: CommandContext,
  ): Promise<LocalUserChangeView> {
    const hostId = this.hostOf(query);
    const key = parseSshKey(body.key, 'key');
    return this.change(hostId, username, context, () => ({ type: 'AddSshKey', hostId, username, key }));
  }

  @Delete(':username/ssh-keys/:fingerprint')
  @HttpCode(202)
  removeSshKey(
    @Param('username') username: string,
    @Param('fingerprint') fingerprint: string,
    @Query() query: HostQueryDto,
    @CommandCtx() context: CommandContext,
  ): Promise<LocalUserChangeView> {
    const hostId = this.hostOf(query);
    // Clients may leave out the prefix, which is the same for every key.
    const full = fingerprint.startsWith('SHA256:') ? fingerprint : `SHA256:${fingerprint}`;
    return this.change(hostId, username, context, () => ({
      type: 'RemoveSshKey',
      hostId,
      username,
      fingerprint: full,
    }));
  }

  @Post(':username/sudo')
  @HttpCode(202)
  grantSudo(
    @Param('username') username: string,
    @Query() query: HostQueryDto,
    @CommandCtx() context: CommandContext,
  ) {
    return this.simple(username, query, context, 'GrantSudo');
  }

  @Delete(':username/sudo')
  @HttpCode(202)
  revokeSudo(
    @Param('username') username: string,
    @Query() query: HostQueryDto,
    @CommandCtx() context: CommandContext,
  ) {
    return this.simple(username, query, context, 'RevokeSudo');
  }

  @Post(':username/lock')
  @HttpCode(202)
  lock(
    @Param('username') username: string,
    @Query() query: HostQueryDto,
    @CommandCtx() context: CommandContext,
  ) {
    return this.simple(username, query, context, 'LockLocalUser');
  }

  @Post(':username/unlock')
  @HttpCode(202)
  unlock(
    @Param('username') username: string,
    @Query() query: HostQueryDto,
    @CommandCtx() context: CommandContext,
  ) {
    return this.simple(username, query, context, 'UnlockLocalUser');
  }

  @Put(':username/expiry')
  @HttpCode(202)
  setExpiry(
    @Param('username') username: string,
    @Body() body: SetExpiryDto,
    @Query() query: HostQueryDto,
    @CommandCtx() context: CommandContext,
  ): Promise<LocalUserChangeView> {
    const hostId = this.hostOf(query);
    return this.change(hostId, username, context, () => ({
      type: 'SetAccountExpiry',
      hostId,
      username,
      expiresOn: body.expires_on,
    }));
  }

  @Put(':username/shell')
  @HttpCode(202)
  changeShell(
    @Param('username') username: string,
    @Body() body: ChangeShellDto,
    @Query() query: HostQueryDto,
    @CommandCtx() context: CommandContext,
  ): Promise<LocalUserChangeView> {
    const hostId = this.hostOf(query);
    return this.change(hostId, username, context, (host) => ({
      type: 'ChangeShell',
      hostId,
      username,
      shell: body.shell,
      onHost: hostCatalog(host),
    }));
  }

  @Put(':username/groups')
  @HttpCode(202)
  setGroups(
    @Param('username') username: string,
    @Body() body: SetGroupsDto,
    @Query() query: HostQueryDto,
    @CommandCtx() context: CommandContext,
  ): Promise<LocalUserChangeView> {
    const hostId = this.hostOf(query);
    return this.change(hostId, username, context, (host) => ({
      type: 'SetGroups',
      hostId,
      username,
      groups: body.groups,
      refusedGroups: this.config.LOCAL_USER_REFUSED_GROUPS,
      onHost: hostCatalog(host),
    }));
  }

  private simple(
    username: string,
    query: HostQueryDto,
    context: CommandContext,
    type: 'GrantSudo' | 'RevokeSudo' | 'LockLocalUser' | 'UnlockLocalUser' | 'ForcePasswordChange',
  ): Promise<LocalUserChangeView> {
    const hostId = this.hostOf(query);
    return this.change(hostId, username, context, () => ({ type, hostId, username }) as LocalUserCommand);
  }

  private change(
    hostId: string,
    username: string,
    context: CommandContext,
    build: (host: HostState) => LocalUserCommand,
  ): Promise<LocalUserChangeView> {
    return this.commands.execute(new ChangeLocalUserCommand(hostId, username, build, context));
  }

  private hostOf(query: HostQueryDto): string {
    return query.host ?? this.config.DEFAULT_HOST_ID;
  }

  private protectionOn(host: HostState): AccountProtection {
    return { configured: this.config.PROTECTED_ACCOUNTS, systemAccounts: systemAccounts(host) };
  }
}
